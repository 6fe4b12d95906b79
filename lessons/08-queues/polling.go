package queues

import (
	"context"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version: a producer makes 10 items with a pause between them; a
// consumer gives up after the queue "looked empty" several times. Its
// patience (3 looks, 10 ms apart) is ten times shorter than the producer's
// pause (300 ms), so it always quits while the producer is still working.
const (
	pollItems  = 10
	slowPause  = 300 * time.Millisecond
	quickPause = 30 * time.Millisecond
	lookEvery  = 10 * time.Millisecond
	patience   = 3
)

// produce puts pollItems into queue, pausing between them, then closes it.
func produce(ctx context.Context, s *lesson.Stage, queue chan<- int, pause time.Duration) {
	defer close(queue)
	lane := s.Lane("producer")
	for i := 1; i <= pollItems; i++ {
		queue <- i
		lane.Sent("queue")
		if s.Sleep(ctx, pause) != nil {
			return
		}
	}
	lane.Printf("made all %d items", pollItems)
}

func pollingEmpty(ctx context.Context, s *lesson.Stage) error {
	s.Heading("Wrong: stop when the queue looks empty")
	// Room for every item, so the producer never blocks on the consumer
	// that has gone home: the lost items pile up in the queue instead.
	queue := make(chan int, pollItems)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); produce(ctx, s, queue, slowPause) }()

	consumer := s.Lane("consumer")
	got, empties := 0, 0
	for empties < patience {
		if len(queue) == 0 { // "is it empty?": true now, maybe not a moment later
			empties++
			consumer.Printf("queue looks empty (%d)", empties)
			if err := s.Sleep(ctx, lookEvery); err != nil {
				wg.Wait()
				return err
			}
			continue
		}
		empties = 0
		<-queue
		got++
		consumer.Received("queue")
	}
	consumer.Printf("queue looked empty %d times: quitting after %d of %d items", patience, got, pollItems)
	wg.Wait() // the producer carries on after the consumer has gone
	lost := len(queue)
	s.Finding("consumed-polling", float64(got), "items")
	s.Finding("lost", float64(lost), "items")
	s.Warn("%d of %d items were made after the consumer quit: nobody will ever take them", lost, pollItems)

	if err := s.Pause(ctx, "the fix: let the producer say when it is done"); err != nil {
		return err
	}
	s.Heading("Right: the producer closes the queue; the consumer ranges until it is closed")
	queue2 := make(chan int) // unbuffered is fine now: nobody leaves early
	wg.Add(1)
	go func() { defer wg.Done(); produce(ctx, s, queue2, quickPause) }()
	got = 0
	for range queue2 { // waits as long as it takes; ends exactly when closed and empty
		got++
	}
	wg.Wait()
	s.Finding("consumed-range", float64(got), "items")
	s.Finding("lost-range", float64(pollItems-got), "items")
	s.Say("len(ch) == 0 says nothing about the future: a producer may be just about to")
	s.Say("send. Only the producer knows it is finished, and close(ch) is how it says so.")
	return ctx.Err()
}
