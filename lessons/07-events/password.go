package events

import (
	"context"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version's password, its answer, and main's patience.
const (
	secret   = "the heavenly king covers the earthly tiger"
	answer   = "the pagoda suppresses the river demon"
	patience = 500 * time.Millisecond
)

// handshake starts a helper that, after delay, sends what it knows on a
// channel; main waits at most patience for it. The channel is the event:
// receiving the value is both "it happened" and the value itself, and the
// receive orders the helper's write before main's read.
func handshake(ctx context.Context, s *lesson.Stage, name, says string, delay time.Duration) (string, error) {
	helper, main := s.Lane(name), s.Lane("main")
	said := make(chan string, 1) // buffered: a late helper can still send and exit
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		helper.Start()
		defer helper.Done()
		if s.Sleep(ctx, delay) != nil {
			helper.Printf("gave up: nobody is listening any more")
			return
		}
		helper.Printf("says %q", says)
		said <- says
		helper.Sent("password")
	}()
	defer func() { cancel(); wg.Wait() }() // never leave the helper behind

	main.Waiting("password")
	select {
	case got := <-said:
		main.Received("password")
		if got == answer {
			main.Printf("one of us!")
			return "match", nil
		}
		main.Printf("%q? an impostor!", got)
		return "impostor", nil
	case <-time.After(s.Scale(patience)):
		main.Printf("no answer within %v: the door stays shut", s.Scale(patience))
		return "timeout", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func password(ctx context.Context, s *lesson.Stage) error {
	s.Say("Main asks: %q. It waits %v for the answer, no longer.", secret, s.Scale(patience))
	counts := map[string]int{}
	for _, try := range []struct {
		name, says string
		delay      time.Duration
	}{
		{"friend", answer, 50 * time.Millisecond},
		{"stranger", "the weather is nice today", 50 * time.Millisecond},
		{"sleepyhead", answer, 2 * time.Second},
	} {
		if err := s.Pause(ctx, try.name+" answers: who gets in?"); err != nil {
			return err
		}
		s.Heading("%s answers after %v", try.name, s.Scale(try.delay))
		outcome, err := handshake(ctx, s, try.name, try.says, try.delay)
		if err != nil {
			return err
		}
		counts[outcome]++
	}
	s.Finding("matched", float64(counts["match"]), "")
	s.Finding("impostors", float64(counts["impostor"]), "")
	s.Finding("timed-out", float64(counts["timeout"]), "")
	s.Say("The sleepyhead knew the answer but was too late: a timeout is an outcome to handle,")
	s.Say("not an error to hide. And no sleep orders anything here: the channel does.")
	return nil
}
