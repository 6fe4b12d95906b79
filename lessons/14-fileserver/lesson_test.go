package fileserver_test

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"

	fileserver "github.com/conclab/conclab/lessons/14-fileserver"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, fileserver.Lesson) }

func TestTransferManyClientsByteIdentical(t *testing.T) {
	r := lessontest.Run(t, fileserver.Lesson, "transfer")
	n := r.Finding(t, "clients")
	assert.Equal(t, 8.0, n)
	assert.Equal(t, n, r.Finding(t, "peak-connections"), "every client was connected and served at the same time (they wait for one another)")
	assert.Equal(t, 2*n, r.Finding(t, "transfers-verified"), "every PUT and every GET arrived byte-identical")
	assert.Equal(t, n, r.Finding(t, "listed"), "LIST shows every stored file and no upload in progress")
	assert.Equal(t, 1.0, r.Finding(t, "not-exist-reply"), `GET of a missing file: "file does not exist"`)
	assert.Equal(t, 1.0, r.Finding(t, "exists-reply"), `PUT of a stored name: "file already exists"`)
}

func TestAuthChallengeResponse(t *testing.T) {
	r := lessontest.Run(t, fileserver.Lesson, "auth")
	assert.Equal(t, 1.0, r.Finding(t, "right-key-accepted"))
	assert.Equal(t, 1.0, r.Finding(t, "wrong-key-refused"), `a wrong key gets "authentication failed"`)
	assert.Equal(t, 1.0, r.Finding(t, "replay-refused"), "an answer to another connection's challenge is refused")
	assert.Equal(t, 1.0, r.Finding(t, "closed-after-refusal"), "the server hangs up after refusing")
	assert.Equal(t, 0.0, r.Finding(t, "broken-right-client-accepted"), "md5 with two different keys refuses even the right client")
	assert.Equal(t, 1.0, r.Finding(t, "early-exit-bytes-wrong-first"))
	assert.Equal(t, 32.0, r.Finding(t, "early-exit-bytes-wrong-last"), "an early-exit compare works longer the more of the guess is right")
}

func TestRootKeepsNamesInTheFolder(t *testing.T) {
	r := lessontest.Run(t, fileserver.Lesson, "root")
	escapes := 2.0 // ../ and sub/../../
	if runtime.GOOS != "windows" {
		escapes = 4 // and two symbolic links out
	}
	assert.Equal(t, escapes, r.Finding(t, "naive-escapes"), "filepath.Join lets every one of them out")
	assert.Equal(t, 0.0, r.Finding(t, "root-escapes"), "os.Root lets none out")
	assert.Equal(t, escapes+1, r.Finding(t, "server-refused"), `the server says "name not allowed" to every GET and the PUT`)
	assert.Equal(t, 0.0, r.Finding(t, "planted-outside"), "nothing was written outside the folder")
}

func TestEndMarkerBreaksAndFramingDoesNot(t *testing.T) {
	r := lessontest.Run(t, fileserver.Lesson, "end-marker")
	assert.Equal(t, 0.0, r.Finding(t, "glued-marker-seen"), `glued to the data, "##" is never a read of its own`)
	assert.Equal(t, 2.0, r.Finding(t, "glued-extra-bytes"), `and "##" ends up in the file`)
	assert.Equal(t, 19.0, r.Finding(t, "contains-lost-bytes"), `"total ## of the bill: 42\n" is cut after "total "`)
	assert.Equal(t, 3.0, r.Finding(t, "framed-intact"), "with the size in a header every file arrives whole")
}

func TestUDPChat(t *testing.T) {
	r := lessontest.Run(t, fileserver.Lesson, "udp-chat")
	f, ok := r.Stage.Lookup("lines-as-expected")
	assert.True(t, ok)
	assert.Equal(t, 9.0, f.Value, "every client heard exactly its script, in order:\n%s", r.Output)
	assert.Equal(t, "of 9", f.Unit)
	assert.Equal(t, 0.0, r.Finding(t, "unexpected-lines"), "no echo, nothing twice, nothing after EXIT")
	assert.Contains(t, r.Output, "<- NAME TAKEN")
	assert.Contains(t, r.Output, "<- EXIT")
}
