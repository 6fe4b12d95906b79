package events

import (
	"context"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// sleepIsNotSync is the classic teaching version's handshake: the helper writes a shared
// variable, main sleeps 0.5 s and then reads it. No channel, no lock.
func sleepIsNotSync(ctx context.Context, s *lesson.Stage) error {
	for _, delay := range []time.Duration{50 * time.Millisecond, time.Second} {
		s.Heading("The helper writes after %v; main reads after %v", s.Scale(delay), s.Scale(patience))
		var shared string // written by the helper, read by main: a data race
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(s.Scale(delay))
			shared = answer // racy write
		}()
		time.Sleep(s.Scale(patience)) // "surely it is done by now"
		got := shared                 // racy read
		wg.Wait()                     // only so that nothing is left behind

		if got == answer {
			s.Say("main read %q: it worked, by luck of timing", got)
			s.Finding("read-in-time", 1, "")
		} else {
			s.Warn("main read %q: the helper was slower than the sleep", got)
			s.Finding("read-nothing", 1, "")
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	s.Say("Under the race detector (conclab run 7 sleep-is-not-sync --race) the read and the")
	s.Say("write are reported even in the lucky run: a sleep creates no happens-before edge.")
	s.Say("Send on a channel, or close one, instead.")
	return nil
}
