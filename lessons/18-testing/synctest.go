package testcode

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// synctestDemo runs sessionTest's two tests: a session's expiry checked
// over two hours of a synctest bubble's fake time, and a goroutine
// waiting for a sync.Mutex held across a fake sleep: not durably
// blocked, so the fake clock stands still and the test hangs until
// -timeout.
func synctestDemo(ctx context.Context, s *lesson.Stage) error {
	s.Say("A session that expires after an hour, and a test that waits two hours for it.")
	s.Say("In a testing/synctest bubble, time is fake: it jumps ahead whenever every")
	s.Say("goroutine of the bubble is durably blocked (a channel, a Sleep, a select, Wait).")
	files := map[string]string{"session.go": sessionCode, "session_test.go": sessionTest}
	start := time.Now()
	out, code, err := goTool(ctx, s, files, nil, "test", "-count=1", "-v", "-run", "TestExpiresAfterAnHour", ".")
	if err == errNoGo {
		return noGo(s, "go test")
	} else if err != nil {
		return err
	}
	wall := time.Since(start)
	show(s, "go test -v -run TestExpiresAfterAnHour", out, func(l string) bool { return strings.Contains(l, "expired") || strings.HasPrefix(l, "---") }, 6)
	fake := 0.0
	if m := regexp.MustCompile(`expired after (\S+) of fake time`).FindStringSubmatch(out); m != nil {
		if d, err := time.ParseDuration(m[1]); err == nil {
			fake = d.Minutes()
		}
	}
	s.Finding("fake-minutes", fake, "minutes of fake time")
	s.Finding("expires-test-passed", b2f(code == 0 && strings.Contains(out, "--- PASS: TestExpiresAfterAnHour")), "")
	s.FindingDuration("wall-time-with-build", wall)
	if d := testTime(out, "TestExpiresAfterAnHour"); d >= 0 {
		s.Finding("test-seconds", d, "s of real time")
	}

	if err := s.Pause(ctx, "a goroutine waiting for a mutex held across a fake Sleep: what happens?"); err != nil {
		return err
	}
	s.Heading("What synctest cannot see: a goroutine blocked on a sync.Mutex")
	out, code, err = goTool(ctx, s, files, nil, "test", "-count=1", "-timeout", "3s", "-run", "TestMutexIsNotDurable", ".")
	if err != nil {
		return err
	}
	show(s, "go test -timeout 3s -run TestMutexIsNotDurable", out, func(l string) bool {
		return strings.HasPrefix(l, "panic:") || strings.Contains(l, "sync.Mutex") || strings.Contains(l, "[sync.Mutex.Lock") || strings.Contains(l, "[sleep")
	}, 6)
	s.Finding("mutex-test-timed-out", b2f(code != 0 && strings.Contains(out, "test timed out")), "")
	s.Say("A channel, a Sleep, a select, sync.Cond.Wait and sync.WaitGroup.Wait inside the")
	s.Say("bubble are durable: only the bubble can wake them. A sync.Mutex is not (its holder")
	s.Say("may be anyone), nor are I/O and system calls. Keep a lock's holder from sleeping on")
	s.Say("the fake clock, or use a channel where a test needs to wait.")
	return nil
}

// sessionCode is the component under test: a session that expires after
// an hour of inactivity, checked by a goroutine of its own.
const sessionCode = `package demo

import (
	"sync"
	"time"
)

// Session expires after ttl without a Touch.
type Session struct {
	mu      sync.Mutex
	last    time.Time
	Expired chan struct{} // closed when the session expires
}

func NewSession(ttl time.Duration) *Session {
	s := &Session{last: time.Now(), Expired: make(chan struct{})}
	go func() {
		for {
			s.mu.Lock()
			left := ttl - time.Since(s.last)
			s.mu.Unlock()
			if left <= 0 {
				close(s.Expired)
				return
			}
			time.Sleep(left)
		}
	}()
	return s
}

func (s *Session) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = time.Now()
}
`

// sessionTest tests it in a synctest bubble: an hour of fake time, and
// synctest.Wait to look once every goroutine is durably blocked.
const sessionTest = `package demo

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestExpiresAfterAnHour(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		s := NewSession(time.Hour)
		time.Sleep(59 * time.Minute)
		s.Touch() // one more hour from now
		time.Sleep(59 * time.Minute)
		synctest.Wait() // the checker is asleep again: durably blocked
		select {
		case <-s.Expired:
			t.Fatal("expired although touched 59 minutes ago")
		default:
		}
		<-s.Expired // the bubble's clock jumps to the expiry
		t.Logf("expired after %v of fake time", time.Since(start))
	})
}

// TestMutexIsNotDurable: a goroutine waiting for a sync.Mutex is not
// durably blocked (the holder may be outside the bubble), so the fake
// clock cannot move while it waits, and the holder's Sleep never ends.
func TestMutexIsNotDurable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		go func() {
			mu.Lock()
			time.Sleep(time.Second) // fake time: needs everyone durably blocked
			mu.Unlock()
		}()
		synctest.Wait()
		mu.Lock() // not durably blocked: time stands still, forever
		mu.Unlock()
	})
}
`

// testTime is the real time go test -v reported for test, in seconds, or
// -1 if it printed none.
func testTime(out, test string) float64 {
	m := regexp.MustCompile(`--- \w+: ` + test + ` \(([0-9.]+)s\)`).FindStringSubmatch(out)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return -1
	}
	return v
}
