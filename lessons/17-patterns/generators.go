package patterns

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// generators shows a producer and a consumer taking turns (pingPong),
// then the same Fibonacci generator three ways: a goroutine sending on a
// channel (left blocked when its consumer breaks), an iter.Seq (cleaned
// up at break) and iter.Pull (cleaned up at stop).
func generators(ctx context.Context, s *lesson.Stage) error {
	if err := pingPong(ctx, s); err != nil {
		return err
	}
	if err := s.Pause(ctx, "a generator on a channel: what happens when the consumer stops early?"); err != nil {
		return err
	}

	s.Heading("Fibonacci on a channel: the consumer takes 10 and walks away")
	quit := make(chan struct{})
	values, exited := fibChan(quit)
	var fromChan []int
	for v := range values {
		fromChan = append(fromChan, v)
		if len(fromChan) == 10 {
			break // the generator is left blocked on its next send
		}
	}
	s.Say("first 10: %v", fromChan)
	// Nothing will ever receive again, so the generator cannot return;
	// the wait below only gives a wrong claim a chance to show.
	select {
	case <-exited:
		s.Finding("channel-cleanup-at-break", 1, "")
	case <-time.After(s.Limit(50 * time.Millisecond)):
		s.Warn("after break the generator is still blocked on its send: a leak until someone closes quit")
		s.Finding("channel-cleanup-at-break", 0, "")
	}
	close(quit) // the channel version needs its own stop signal
	<-exited

	s.Heading("Fibonacci as an iter.Seq: range over a function")
	var seqCleaned bool
	var fromSeq []int
	for v := range fibSeq(&seqCleaned) {
		fromSeq = append(fromSeq, v)
		if len(fromSeq) == 10 {
			break
		}
	}
	s.Say("first 10: %v; the iterator's defer ran at break: %v", fromSeq, seqCleaned)
	s.Finding("seq-cleanup-at-break", b2f(seqCleaned), "")

	s.Heading("iter.Pull: the same iterator, pulled one value at a time")
	var pullCleaned bool
	next, stop := iter.Pull(fibSeq(&pullCleaned))
	var fromPull []int
	for range 10 {
		v, ok := next()
		if !ok {
			break
		}
		fromPull = append(fromPull, v)
	}
	stop() // like close(quit): ends the iterator, runs its defers
	s.Say("first 10: %v; the iterator's defer ran at stop(): %v", fromPull, pullCleaned)
	s.Finding("pull-cleanup-at-stop", b2f(pullCleaned), "")

	s.Finding("generators-agree", b2f(slices.Equal(fromChan, fromSeq) && slices.Equal(fromSeq, fromPull)), "")
	s.Say("A goroutine generator needs a way to be told to stop, or it leaks. An iter.Seq")
	s.Say("runs inside the consumer's loop: break is the stop signal. iter.Pull turns it into")
	s.Say("next()/stop() (a coroutine switch, not a goroutine scheduled on a thread); call stop.")
	return ctx.Err()
}

// pingPong is the coroutine story as it is commonly told with Python
// generators: a producer hands each item to a consumer with send() and
// gets "200 OK" back, the two taking turns. In Go the two are goroutines
// and the turns are unbuffered channels: a send completes only when the
// other side receives, so each side waits for the other, step by step.
func pingPong(ctx context.Context, s *lesson.Stage) error {
	s.Heading("Ping-pong: producer and consumer take turns on two unbuffered channels")
	items := make(chan int)      // producer -> consumer
	replies := make(chan string) // consumer -> producer
	consumerDone := make(chan struct{})
	go func() {
		defer close(consumerDone)
		lane := s.Lane("consumer")
		for n := range items { // ends when the producer closes items
			lane.Received("items")
			lane.Printf("consuming %d", n)
			replies <- "200 OK"
		}
	}()

	producer := s.Lane("producer")
	rounds := 0
	for n := 1; n <= 5; n++ {
		producer.Printf("producing %d", n)
		items <- n // blocks until the consumer takes it: the "yield"
		producer.Sent("items")
		reply := <-replies
		producer.Printf("consumer says %s", reply)
		rounds++
	}
	close(items)
	<-consumerDone
	s.Finding("round-trips", float64(rounds), "")
	return ctx.Err()
}

// fibChan is the generator as a goroutine: it sends Fibonacci numbers on
// an unbuffered channel until someone closes quit. exited is closed when
// the goroutine has really returned, its defers run.
func fibChan(quit <-chan struct{}) (values <-chan int, exited <-chan struct{}) {
	out, done := make(chan int), make(chan struct{})
	go func() {
		defer close(done) // the generator's cleanup
		a, b := 0, 1
		for {
			select {
			case out <- a:
				a, b = b, a+b
			case <-quit:
				return
			}
		}
	}()
	return out, done
}

// fibSeq is the same generator as an iterator: no goroutine, no channel.
// The for loop's body is yield; when the body breaks, yield returns false,
// fibSeq returns and its defers run before the loop statement ends.
func fibSeq(cleanedUp *bool) iter.Seq[int] {
	return func(yield func(int) bool) {
		defer func() { *cleanedUp = true }()
		a, b := 0, 1
		for yield(a) {
			a, b = b, a+b
		}
	}
}

// b2f is a yes/no finding: 1 or 0.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
