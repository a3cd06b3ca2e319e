import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run as `java LockProbe.java FILE`: exits 0 when it could lock FILE, 1 when another process holds it. */
public class LockProbe {
    public static void main(String[] args) throws Exception {
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            System.exit(ch.tryLock() == null ? 1 : 0);
        }
    }
}
