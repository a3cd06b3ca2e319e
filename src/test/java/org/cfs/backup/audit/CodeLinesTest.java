package org.cfs.backup.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Comment removal keeps code inside strings and line numbers intact. */
class CodeLinesTest {
    @Test
    void shellHashStartsACommentOnlyOutsideQuotesAndAfterABlank() {
        assertEquals("docker ps ", CodeLines.stripHash("docker ps # --privileged", false));
        assertEquals("echo \"a # b\" ", CodeLines.stripHash("echo \"a # b\" # c", false));
        assertEquals("echo ${#x} $# x", CodeLines.stripHash("echo ${#x} $# x", false));
        assertEquals("", CodeLines.stripHash("# all comment", false));
    }

    @Test
    void javascriptCommentsAndStrings() {
        List<String> code = CodeLines.of(ScriptKind.JAVASCRIPT, List.of(
                "#!/usr/bin/env node",
                "execSync('curl http://x/ && docker run --privileged y'); // trailing",
                "/* start",
                " still comment */ run('z');",
                "const s = \"/* not a comment */\";"));
        assertEquals(List.of("",
                "execSync('curl http://x/ && docker run --privileged y'); ",
                "",
                " run('z');",
                "const s = \"/* not a comment */\";"), code);
    }

    @Test
    void pythonDocstringsAndComments() {
        List<String> code = CodeLines.of(ScriptKind.PYTHON, List.of(
                "def f():",
                "    '''Docstring",
                "    docker run --privileged",
                "    '''",
                "    cmd = \"\"\"docker run --privileged x\"\"\"",
                "    os.system(cmd)  # setcap"));
        assertEquals(List.of("def f():", "", "", "", "    cmd = \"\"\"docker run --privileged x\"\"\"", "    os.system(cmd)  "), code);
    }
}
