package httpserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	httpserver "github.com/conclab/conclab/exercises/13-httpserver"
)

// Every request and connection here has a deadline, and every server is
// shut down (bounded) at the end of its test, so a stuck server fails
// with an explanation instead of hanging.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs a server for h on a free loopback port for the duration of
// the test, shuts it down at the end, and then checks that no goroutine
// of the server (or of its handlers) is left.
func start(t *testing.T, h http.HandlerFunc, cfg httpserver.Config) *httpserver.Server {
	t.Helper()
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) }) // runs last
	srv, err := httpserver.Start("127.0.0.1:0", h, cfg)
	require.NoError(t, err, "Start on 127.0.0.1:0 failed")
	require.NotNil(t, srv, "Start returned no server")
	t.Cleanup(func() { shutdown(t, srv, 5*time.Second) })
	return srv
}

// shutdown calls srv.Shutdown with a context of limit and fails the test
// if it does not return within limit and 5s more.
func shutdown(t *testing.T, srv *httpserver.Server, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		done <- srv.Shutdown(ctx)
	}()
	if os.Getenv("CONCLAB_WATCHDOG") != "" {
		// A Shutdown stuck on a channel is proven at once; one that
		// waits for network I/O cannot be, so a timer that references
		// nothing of the server still ends it.
		stuck := time.AfterFunc(limit+5*time.Second, func() {
			panic(fmt.Sprintf("deadlock or livelock: Shutdown did not return within %v", limit+5*time.Second))
		})
		defer stuck.Stop()
	}
	select {
	case err := <-done:
		return err
	case <-guardTimeout(limit + 5*time.Second):
		t.Fatalf("deadlock or livelock: Shutdown did not return within %v", limit+5*time.Second)
		return nil
	}
}

// guardTimeout returns the channel on which a deadlock guard gives up: it
// receives once d has passed. Under conclab's grader, which sets
// CONCLAB_WATCHDOG, it returns nil, a channel that never receives: the
// grader's watchdog proves a deadlock from the runtime's goroutine leak
// profile the moment it forms, and a guard's timer would keep what it
// waits on reachable and hide it. The exercise's time limit still ends a
// run that hangs for any other reason.
func guardTimeout(d time.Duration) <-chan time.Time {
	if os.Getenv("CONCLAB_WATCHDOG") != "" {
		return nil
	}
	return time.After(d)
}

// newClient returns a client whose idle connections are closed at the end
// of the test, each request bounded by 10s.
func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// reply is what a client got: status and body, or an error.
type reply struct {
	code int
	body string
	err  error
	took time.Duration
}

func get(c *http.Client, url string) reply {
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		return reply{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return reply{code: resp.StatusCode, body: string(body), err: err, took: time.Since(start)}
}

// wait receives from ch within d, or fails the test saying what was lost.
func wait[T any](t *testing.T, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("lost: %s did not happen within %v", what, d)
		var zero T
		return zero
	}
}

// TestServesFiftyAtOnce: 50 clients at once, and each handler waits until
// all 50 are inside a handler. A server that runs one handler at a time
// (or a few) never gets there.
func TestServesFiftyAtOnce(t *testing.T) {
	const n = 50
	var inside, peak atomic.Int32
	all := make(chan struct{})
	patience, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv := start(t, func(w http.ResponseWriter, r *http.Request) {
		now := inside.Add(1)
		defer inside.Add(-1)
		for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
		}
		if now == n {
			close(all)
		}
		select {
		case <-all:
		case <-patience.Done(): // a shared deadline: a serial server ends in 3s, not 50 x 3s
		}
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n"))
	}, httpserver.Config{HeaderTimeout: 5 * time.Second, HandlerTimeout: 10 * time.Second})
	client := newClient(t)

	replies := make([]reply, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { replies[i] = get(client, fmt.Sprintf("http://%s/?n=%d", srv.Addr(), i)) })
	}
	wg.Wait()
	assert.EqualValues(t, n, peak.Load(), "only %d of %d requests were inside their handler at the same time: "+
		"the server must serve requests concurrently", peak.Load(), n)
	for i, r := range replies {
		if !assert.NoError(t, r.err, "request %d", i) {
			continue
		}
		assert.Equal(t, http.StatusOK, r.code, "request %d", i)
		assert.Equal(t, fmt.Sprintf("hello %d", i), r.body, "request %d got another request's answer", i)
	}
}

// TestHandlerTimeout: a handler still running at HandlerTimeout: the
// client gets 503 at about that time, and the handler's context is done.
// A handler that finishes within the budget is answered as it wrote.
func TestHandlerTimeout(t *testing.T) {
	const budget = 300 * time.Millisecond
	type seen struct {
		err   error
		after time.Duration
	}
	stopped := make(chan seen, 1)
	srv := start(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			begin := time.Now()
			select {
			case <-r.Context().Done():
				stopped <- seen{r.Context().Err(), time.Since(begin)}
			case <-time.After(5 * time.Second):
				stopped <- seen{nil, time.Since(begin)}
			}
			fmt.Fprint(w, "too late")
		case "/within":
			time.Sleep(budget / 3)
			w.Header().Set("X-Answer", "42")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprint(w, "in time")
		}
	}, httpserver.Config{HeaderTimeout: 5 * time.Second, HandlerTimeout: budget})
	client := newClient(t)

	r := get(client, "http://"+srv.Addr()+"/slow")
	require.NoError(t, r.err, "GET /slow: the client should get an answer, 503, not a broken connection")
	assert.Equal(t, http.StatusServiceUnavailable, r.code, "a handler over its budget: the client gets 503; body %q", r.body)
	assert.NotContains(t, r.body, "too late", "what the handler wrote after its budget must not reach the client")
	assert.GreaterOrEqual(t, r.took, budget*9/10, "503 came before the handler's budget of %v", budget)
	assert.Less(t, r.took, budget+3*time.Second, "503 should come at the budget of %v", budget)
	s := wait(t, stopped, 6*time.Second, "the slow handler's return")
	assert.Error(t, s.err, "the handler's r.Context() must be done when its budget runs out (it waited %v)", s.after)
	assert.Less(t, s.after, budget+3*time.Second, "the handler's context should end at the budget of %v", budget)

	r = get(client, "http://"+srv.Addr()+"/within")
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusCreated, r.code, "a handler within its budget is answered as it wrote")
	assert.Equal(t, "in time", r.body)
}

// sendHalfHeaders connects and sends a request line and one header, never
// the blank line that ends the headers.
func sendHalfHeaders(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
	_, err = fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\n", addr)
	require.NoError(t, err)
	return conn
}

// TestSlowHeadersCutOff: a client that never finishes its headers is cut
// off at HeaderTimeout, others are served meanwhile, and a handler that
// runs longer than HeaderTimeout (within its own budget) is not cut.
func TestSlowHeadersCutOff(t *testing.T) {
	const headers = 200 * time.Millisecond
	srv := start(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/long" {
			time.Sleep(2 * headers)
		}
		fmt.Fprint(w, "ok")
	}, httpserver.Config{HeaderTimeout: headers, HandlerTimeout: 5 * time.Second})
	client := newClient(t)

	begin := time.Now()
	conn := sendHalfHeaders(t, srv.Addr())
	r := get(client, "http://"+srv.Addr()+"/")
	require.NoError(t, r.err, "a slow client must not stop the server from serving others")
	assert.Equal(t, "ok", r.body)

	conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err := conn.Read(make([]byte, 512)) // EOF, a reset, or an error page: anything but waiting
	took := time.Since(begin)
	require.False(t, errors.Is(err, os.ErrDeadlineExceeded),
		"a client that never finished its headers was still connected after %v: the server must hang up after HeaderTimeout (%v)", took, headers)
	assert.GreaterOrEqual(t, took, headers*9/10, "the client was cut off before HeaderTimeout (%v)", headers)

	r = get(client, "http://"+srv.Addr()+"/long")
	require.NoError(t, r.err, "a handler that takes %v, longer than HeaderTimeout but within its budget, must be answered", 2*headers)
	assert.Equal(t, http.StatusOK, r.code)
	assert.Equal(t, "ok", r.body)
}

// TestGracefulShutdown: Shutdown refuses new connections at once, lets
// the three requests under way finish with their answer, and returns
// after them.
func TestGracefulShutdown(t *testing.T) {
	const n = 3
	started := make(chan struct{}, n)
	release := make(chan struct{})
	var once sync.Once
	let := func() { once.Do(func() { close(release) }) }
	defer let() // on a failure too: the handlers end before the leak check
	srv := start(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		fmt.Fprint(w, "finished")
	}, httpserver.Config{HeaderTimeout: 5 * time.Second, HandlerTimeout: 10 * time.Second})
	client := newClient(t)

	replies := make(chan reply, n)
	for range n {
		go func() { replies <- get(client, "http://"+srv.Addr()+"/") }()
	}
	for i := range n {
		wait(t, started, 3*time.Second, fmt.Sprintf("request %d of %d reaching its handler, with the others still inside theirs,", i+1, n))
	}

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	refused := false
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		conn, err := net.DialTimeout("tcp", srv.Addr(), 500*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		conn.Close()
	}
	assert.True(t, refused, "2s after Shutdown began, with requests still under way, new connections were still accepted: "+
		"Shutdown must close the listener at once")
	returned := false
	select {
	case err := <-shut:
		t.Errorf("Shutdown returned (%v) while %d requests were still under way: it must wait for them", err, n)
		returned = true
	default:
	}

	let()
	for i := range n {
		r := wait(t, replies, 6*time.Second, fmt.Sprintf("answer %d of %d in-flight requests", i+1, n))
		if assert.NoError(t, r.err, "a request under way when Shutdown began must get its answer") {
			assert.Equal(t, http.StatusOK, r.code)
			assert.Equal(t, "finished", r.body)
		}
	}
	if !returned {
		err := wait(t, shut, 6*time.Second, "Shutdown's return once the requests were answered")
		assert.NoError(t, err, "Shutdown with time to spare returns nil")
	}
}

// TestShutdownDeadline: a handler that outlives Shutdown's context: then
// Shutdown closes the connections and returns the context's error.
func TestShutdownDeadline(t *testing.T) {
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	defer close(release) // before the leak check, which runs at cleanup
	srv := start(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select { // ignores its context, as some handlers do
		case <-release:
		case <-time.After(5 * time.Second):
		}
	}, httpserver.Config{HeaderTimeout: 5 * time.Second, HandlerTimeout: 10 * time.Second})
	client := newClient(t)
	replies := make(chan reply, 1)
	go func() { replies <- get(client, "http://"+srv.Addr()+"/") }()
	wait(t, started, 5*time.Second, "the request reaching its handler")

	begin := time.Now()
	err := shutdown(t, srv, 200*time.Millisecond)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "Shutdown whose context ends first returns the context's error")
	assert.Less(t, time.Since(begin), 3*time.Second, "Shutdown should give up when its context ends (200ms)")
	r := wait(t, replies, 3*time.Second, "the cut request's end")
	assert.Error(t, r.err, "out of time, Shutdown must close the connections still open")
}

// TestStartOnBusyAddress: Start reports an address it cannot listen on.
func TestStartOnBusyAddress(t *testing.T) {
	srv := start(t, func(w http.ResponseWriter, r *http.Request) {}, httpserver.Config{HeaderTimeout: time.Second, HandlerTimeout: time.Second})
	other, err := httpserver.Start(srv.Addr(), http.NotFoundHandler(), httpserver.Config{HeaderTimeout: time.Second, HandlerTimeout: time.Second})
	if err == nil {
		shutdown(t, other, time.Second)
	}
	assert.Error(t, err, "Start on an address in use must fail")
}
