package servers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	servers "github.com/conclab/conclab/lessons/12-servers"
	"github.com/conclab/conclab/lessons/lesson"
	"github.com/conclab/conclab/lessons/lessontest"
)

func TestMain(m *testing.M) { lessontest.Main(m, servers.Lesson) }

func TestIterativeServerStarvesTheSecondClient(t *testing.T) {
	// Client 2 gets nothing however long it waits: the server is inside
	// tick(client 1), which never returns. No timing can change that.
	r := lessontest.Run(t, servers.Lesson, "iterative", lessontest.Speed(10))
	assert.Equal(t, 0.0, r.Finding(t, "client2-ticks"), "an iterative server must not serve client 2 while client 1 is connected")
	assert.GreaterOrEqual(t, r.Finding(t, "client1-ticks"), 1.0, "client 1 is served")
	assert.Positive(t, r.Finding(t, "client2-waited"))
	assert.Contains(t, r.Output, "accepted client 1")
	// Client 2 was queued, not refused: served once client 1 hangs up.
	assert.Positive(t, r.Finding(t, "client2-served-after-hangup"))
	assert.Regexp(t, `(?s)client 1 hangs up.*accepted client 2.*\[client 2\] tick 1`, r.Output)
}

func TestGoroutinePerConnectionServesBoth(t *testing.T) {
	// Speed 2: a window of 750 ms, so that even a loaded machine delivers
	// client 2 its first tick (sent as soon as it is accepted) in time.
	r := lessontest.Run(t, servers.Lesson, "goroutine-per-conn", lessontest.Speed(2))
	assert.GreaterOrEqual(t, r.Finding(t, "client1-ticks"), 1.0)
	assert.GreaterOrEqual(t, r.Finding(t, "client2-ticks"), 1.0, "client 2 should be served while client 1 still is")
	assert.Contains(t, r.Output, "accepted client 2")

	// Both clients' lanes recorded receives.
	received := map[string]int{}
	lanes := r.Stage.Lanes()
	for _, e := range r.Stage.Events() {
		if e.Kind == lesson.Received {
			received[lanes[e.Lane]]++
		}
	}
	assert.Positive(t, received["client 1"])
	assert.Positive(t, received["client 2"])
}

func TestIdleConnectionsFewThreads(t *testing.T) {
	r := lessontest.Run(t, servers.Lesson, "idle-conns", lessontest.Speed(10))
	conns := r.Finding(t, "connections")
	assert.Equal(t, 1000.0, conns, "the file limit should allow 1,000 connections here (see the demo's output)")
	goroutines, threads := r.Finding(t, "goroutines"), r.Finding(t, "os-threads")
	assert.GreaterOrEqual(t, goroutines, conns, "one goroutine per connection, all alive at once")
	assert.Positive(t, threads)
	// A handful: GOMAXPROCS plus a few (sysmon, the netpoller's, threads
	// parked in syscalls). The race detector adds some; 100 is generous
	// and still ten times fewer than the goroutines.
	assert.LessOrEqual(t, threads, 100.0, "1,000 goroutines blocked in Read should not need a thread each")
	assert.GreaterOrEqual(t, goroutines/threads, 10.0)
	assert.Equal(t, conns, r.Finding(t, "answered"), "every idle connection is alive and answers")
}

func TestChatRoom(t *testing.T) {
	r := lessontest.Run(t, servers.Lesson, "chat", lessontest.Speed(10))
	assert.Equal(t, 1.0, r.Finding(t, "name-taken"), `a second "bob" is refused`)
	assert.Equal(t, 0.0, r.Finding(t, "unexpected-lines"), "no echo to the sender, nothing twice, nothing after EXIT")
	f, _ := r.Stage.Lookup("lines-as-expected")
	assert.Equal(t, 16.0, f.Value, "every client heard exactly its script, in order:\n%s", r.Output)
	assert.Equal(t, "of 16", f.Unit)
	assert.NotContains(t, r.Output, "want ", "a client heard something else")
}

func TestFramingSurvivesSplitAndCoalescedWrites(t *testing.T) {
	r := lessontest.Run(t, servers.Lesson, "framing", lessontest.Speed(10))
	assert.Equal(t, 10.0, r.Finding(t, "naive-glued-bytes"), `one Read returned "helloworld"`)
	assert.Contains(t, r.Output, `Read #1: "helloworld"`)
	// Over real loopback TCP: two Writes landed before the one Read, and
	// one Write of 20,000 bytes took at least 20 Reads of 1,024 bytes.
	assert.Contains(t, r.Output, `Write #2: "world"`)
	assert.Equal(t, 20_000.0, r.Finding(t, "naive-split-bytes"), "every byte of the big Write arrived")
	assert.GreaterOrEqual(t, r.Finding(t, "naive-split-reads"), 20.0, "one Write read in pieces, at most 1,024 bytes a Read")
	assert.Equal(t, 5.0, r.Finding(t, "framed-coalesced-ok"), "every frame decoded from one coalesced write")
	assert.Equal(t, 5.0, r.Finding(t, "framed-split-ok"), "every frame decoded from one-byte writes")
}
