package patterns

import (
	"context"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// nilChannels merges two channels (sources: one closes at once) twice:
// with a flag that remembers a is closed but keeps its case in the
// select (mergeSpinning), and with a set to nil (mergeNil).
func nilChannels(ctx context.Context, s *lesson.Stage) error {
	s.Say("Merge two channels: a closes at once, b sends 3 values %v apart.", s.Scale(20*time.Millisecond))
	s.Heading("A flag says a is closed, but the select still has a case for it")
	a, b := sources(ctx, s)
	values, rounds := mergeSpinning(a, b)
	s.Say("%d values, and the loop went round %s times receiving nothing from closed a", values, lesson.Number(float64(spins(values, rounds))))
	s.Finding("values-flag", float64(values), "")
	s.Finding("spins-flag", float64(spins(values, rounds)), "empty receives")

	if err := s.Pause(ctx, "set a to nil instead: how many spins now?"); err != nil {
		return err
	}
	s.Heading("a = nil: the case is switched off")
	a, b = sources(ctx, s)
	values, rounds = mergeNil(a, b)
	s.Say("%d values, %d wasted rounds: the loop slept in select until b had something", values, spins(values, rounds))
	s.Finding("values-nil", float64(values), "")
	s.Finding("spins-nil", float64(spins(values, rounds)), "empty receives")
	s.Say("A nil channel blocks forever on send and receive. In a select that is a feature:")
	s.Say("set a channel variable to nil to turn its case off, and back to the channel to turn it on.")
	return ctx.Err()
}

// sources returns two channels: a sends one value and closes at once; b
// sends three values a little apart, then closes.
func sources(ctx context.Context, s *lesson.Stage) (a, b <-chan int) {
	ca, cb := make(chan int, 1), make(chan int)
	ca <- 100
	close(ca)
	go func() {
		defer close(cb)
		for i := 1; i <= 3; i++ {
			if s.Sleep(ctx, 20*time.Millisecond) != nil {
				return
			}
			cb <- i
		}
	}()
	return ca, cb
}

// mergeSpinning remembers that a is closed in a flag, but keeps selecting
// on it: a closed channel is always ready, so the select returns at once,
// again and again, until b is done.
func mergeSpinning(a, b <-chan int) (values, rounds int) {
	aOpen, bOpen := true, true
	for aOpen || bOpen {
		rounds++
		select {
		case _, ok := <-a:
			if !ok {
				aOpen = false
				continue
			}
			values++
		case _, ok := <-b:
			if !ok {
				bOpen = false
				continue
			}
			values++
		}
	}
	return values, rounds
}

// mergeNil sets a finished channel to nil: a receive from a nil channel
// blocks forever, so select never picks that case again. The case is
// switched off.
func mergeNil(a, b <-chan int) (values, rounds int) {
	for a != nil || b != nil {
		rounds++
		select {
		case _, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			values++
		case _, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			values++
		}
	}
	return values, rounds
}

// spins is how many rounds of a merge loop received nothing: one round per
// value, one per channel found closed, the rest wasted.
func spins(values, rounds int) int { return rounds - values - 2 }
