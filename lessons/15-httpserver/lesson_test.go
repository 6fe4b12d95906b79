package httpserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	httpserver "github.com/conclab/conclab/lessons/15-httpserver"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, httpserver.Lesson) }

func TestByHandServesFilesAndSaysSorry(t *testing.T) {
	r := lessontest.Run(t, httpserver.Lesson, "by-hand")
	assert.Equal(t, 2.0, r.Finding(t, "served"), "/ and /hello.txt, byte for byte, through Go's own client")
	assert.Equal(t, 1.0, r.Finding(t, "not-found"), `/missing.html gets 404 and the "Sorry" page`)
	assert.Equal(t, 1.0, r.Finding(t, "naive-leaked"), "filepath.Join should let /../secret.txt out of the folder")
	assert.Equal(t, 0.0, r.Finding(t, "root-leaked"), "os.Root must refuse /../secret.txt")
	assert.Contains(t, r.Output, "Server: HTTPServer v2.0")
}

func TestGoroutinePerRequest(t *testing.T) {
	// Speed 1: handlers of 200 ms, so that 20 clients dialling at once on
	// a loaded machine all arrive while the first are still inside.
	r := lessontest.Run(t, httpserver.Lesson, "per-request", lessontest.Speed(1))
	assert.Equal(t, 20.0, r.Finding(t, "requests-ok"))
	// One handler at a time would be 1; 20 would need every client to
	// arrive within 200 ms. 10 proves the overlap with a wide margin.
	assert.GreaterOrEqual(t, r.Finding(t, "peak-handlers"), 10.0, "handlers should run at the same time")
	assert.LessOrEqual(t, r.Finding(t, "peak-handlers"), 20.0)
	assert.GreaterOrEqual(t, r.Finding(t, "goroutines"), r.Finding(t, "peak-handlers"), "a goroutine per handler at least")
	elapsed := r.Finding(t, "elapsed")
	assert.GreaterOrEqual(t, elapsed, 200*0.95, "no request can be answered before its handler's 200 ms")
	assert.Less(t, elapsed, r.Finding(t, "serial-would-take")/4, "20 requests of 200 ms should overlap, not take 4 s")
}

func TestFileServerStaysInItsFolder(t *testing.T) {
	r := lessontest.Run(t, httpserver.Lesson, "file-server")
	assert.Equal(t, 2.0, r.Finding(t, "served"), "/ (index.html) and /hello.txt")
	assert.Equal(t, 0.0, r.Finding(t, "leaked"), "no response may carry the secret")
	assert.Equal(t, 4.0, r.Finding(t, "refused"), "missing, .., encoded .. and the outward link")
	assert.Contains(t, r.Output, `Content-Type "text/plain; charset=utf-8"`)
}

func TestSlowHeadersCutOff(t *testing.T) {
	// Speed 2: a header timeout of 150 ms against a patience of 450 ms.
	r := lessontest.Run(t, httpserver.Lesson, "slow-headers", lessontest.Speed(2))
	assert.Equal(t, 1.0, r.Finding(t, "open-still-waiting"), "a zero http.Server waits for headers for ever")
	timeout, cut := r.Finding(t, "header-timeout"), r.Finding(t, "cut-after")
	assert.GreaterOrEqual(t, cut, timeout*0.95, "hung up before ReadHeaderTimeout")
	assert.Less(t, cut, timeout+5000, "hung up far too late")
}

func TestRequestContextAndHandlerTimeout(t *testing.T) {
	r := lessontest.Run(t, httpserver.Lesson, "request-context", lessontest.Speed(2))
	assert.Equal(t, 1.0, r.Finding(t, "client-gone-seen"), "the handler's context is cancelled when the client leaves")
	assert.GreaterOrEqual(t, r.Finding(t, "client-gone-after"), 100*0.95, "not before the client gave up (200 ms at speed 2)")
	assert.Less(t, r.Finding(t, "client-gone-after"), 500.0, "the handler should stop long before its 500 ms of work")
	assert.Equal(t, 503.0, r.Finding(t, "timeout-status"))
	assert.GreaterOrEqual(t, r.Finding(t, "timeout-after"), 150*0.95, "not before the budget (300 ms at speed 2)")
	assert.Equal(t, 1.0, r.Finding(t, "handler-stopped"), "TimeoutHandler cancels the handler's context")
	assert.Equal(t, 200.0, r.Finding(t, "quick-status"))
	assert.Contains(t, r.Output, `"too slow\n"`)
}

func TestGracefulShutdown(t *testing.T) {
	r := lessontest.Run(t, httpserver.Lesson, "graceful-shutdown", lessontest.Speed(2))
	assert.Equal(t, 1.0, r.Finding(t, "new-refused"), "after Shutdown closed the listener, a new client is refused")
	assert.Equal(t, 3.0, r.Finding(t, "inflight-completed"), "requests under way finish with 200")
	assert.Equal(t, 1.0, r.Finding(t, "shutdown-after-answers"), "Shutdown returns after the in-flight answers")
	assert.GreaterOrEqual(t, r.Finding(t, "shutdown-took"), 0.0)
	assert.Equal(t, 3.0, r.Finding(t, "close-cut"), "Close cuts every request under way")
}
