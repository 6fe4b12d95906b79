package queues

import (
	"context"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

func blockingPut(ctx context.Context, s *lesson.Stage) error {
	queue := make(chan string, 2) // a queue of capacity 2
	producer, consumer := s.Lane("producer"), s.Lane("consumer")

	queue <- "item 1"
	producer.Sent("queue")
	queue <- "item 2"
	producer.Sent("queue")
	producer.Printf("put 2 items: the queue holds %d of %d", len(queue), cap(queue))

	// The third put goes in a goroutine: in main it would block forever,
	// since nobody else is there to take an item out.
	returned := make(chan struct{}, 1)
	go func() {
		producer.Waiting("queue")
		queue <- "item 3" // blocks: the buffer is full
		producer.Sent("queue")
		returned <- struct{}{}
	}()

	if err := s.Pause(ctx, "the third put: does it return?"); err != nil {
		<-queue // make room so the goroutine ends
		<-returned
		return err
	}
	wait := s.Scale(300 * time.Millisecond)
	var early float64
	select {
	case <-returned:
		early = 1 // a put into a full queue returned: not a bounded queue
	case <-time.After(wait):
		producer.Printf("third put still blocked after %v", wait)
	}
	s.Finding("returned-before-get", early, "puts")

	consumer.Waiting("queue")
	got := <-queue // a get makes room...
	consumer.Received("queue")
	consumer.Printf("got %q", got)
	select {
	case <-returned: // ...and only now does the third put return
	case <-ctx.Done():
		return ctx.Err()
	}
	if early == 0 {
		s.Finding("returned-after-get", 1, "puts")
	}
	left := len(queue)
	second, third := <-queue, <-queue
	s.Say("The queue now held %d items: %q and %q.", left, second, third)
	s.Say("A bounded queue is a channel with a capacity; a full one makes the sender wait.")
	return nil
}

func nonBlocking(ctx context.Context, s *lesson.Stage) error {
	queue := make(chan int, 3)
	s.Heading("Non-blocking put (select with default) into a queue of capacity 3")
	firstFailed := 0
	for i := 1; i <= 5; i++ {
		select {
		case queue <- i:
			s.Say("put %d: ok (%d of %d)", i, len(queue), cap(queue))
		default: // the put would block: give up at once instead
			s.Warn("put %d: queue full", i)
			if firstFailed == 0 {
				firstFailed = i
			}
		}
	}
	s.Finding("first-failed-put", float64(firstFailed), "")

	if err := s.Pause(ctx, "now empty it and try a non-blocking get"); err != nil {
		return err
	}
	s.Heading("Non-blocking get")
	for len(queue) > 0 { // safe here: this goroutine is the only one using queue
		s.Say("get: %d", <-queue)
	}
	failed := 0.0
	select {
	case v := <-queue:
		s.Say("get: %d", v)
	default:
		s.Warn("get: queue empty")
		failed = 1
	}
	s.Finding("get-on-empty-failed", failed, "")
	s.Say("select with default never waits. Use it to shed load or report \"busy\"; do")
	s.Say("not loop on it, which burns a core instead of sleeping in a blocking receive.")
	return nil
}
