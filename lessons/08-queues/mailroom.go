package queues

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// The classic teaching version: ten producers queue e-mails, ten consumers send them.
// Its consumers never stopped; these do, when the queue is closed.
const (
	producers       = 10
	consumers       = 10
	mailPerProducer = 10
	sendTime        = 20 * time.Millisecond
)

type email struct{ from, n int }

func producersConsumers(ctx context.Context, s *lesson.Stage) error {
	queue := make(chan email, 5)
	var sentMu sync.Mutex
	sent := map[email]int{} // how often each e-mail was sent

	var prodWG, consWG sync.WaitGroup
	for c := range consumers {
		consWG.Add(1)
		go func() {
			defer consWG.Done()
			lane := s.Lane(fmt.Sprintf("sender %d", c+1))
			n := 0
			// range ends when the queue is closed AND drained: no guessing.
			for m := range queue {
				lane.Received("queue")
				if s.Sleep(ctx, sendTime) != nil { // sending takes a moment
					continue // cancelled: drain without sending
				}
				sentMu.Lock()
				sent[m]++
				sentMu.Unlock()
				n++
			}
			lane.Printf("queue closed: sent %d e-mails, going home", n)
			lane.Done()
		}()
	}
	for p := range producers {
		prodWG.Add(1)
		go func() {
			defer prodWG.Done()
			lane := s.Lane(fmt.Sprintf("producer %d", p+1))
			for i := range mailPerProducer {
				select {
				case queue <- email{p, i}:
					lane.Sent("queue")
				case <-ctx.Done():
					return
				}
			}
			lane.Done()
		}()
	}

	// The shutdown order is the lesson: first every producer is done, then
	// (and only then) the queue is closed, then the consumers finish.
	prodWG.Wait()
	s.Say("all %d producers are done: close(queue)", producers)
	close(queue)
	consWG.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}

	want := producers * mailPerProducer
	total, dup, missing := 0, 0, 0
	for p := range producers {
		for i := range mailPerProducer {
			switch n := sent[email{p, i}]; {
			case n == 0:
				missing++
			case n > 1:
				dup += n - 1
			}
		}
	}
	for _, n := range sent {
		total += n
	}
	if err := s.Pause(ctx, "were all e-mails sent, and only once?"); err != nil {
		return err
	}
	s.Finding("queued", float64(want), "e-mails")
	s.Finding("sent", float64(total), "e-mails")
	s.Finding("duplicates", float64(dup), "e-mails")
	s.Finding("missing", float64(missing), "e-mails")
	s.Say("Closing is the producer side's job and happens once; a send on a closed channel")
	s.Say("panics, which is why close comes after prodWG.Wait and never from a consumer.")
	return nil
}

// backpressure: a producer that makes an item at once, a consumer that
// needs 100 ms for each, and a queue of 2 between them.
const (
	pressureItems = 10
	pressureCap   = 2
	consumeTime   = 100 * time.Millisecond
)

func backpressure(ctx context.Context, s *lesson.Stage) error {
	queue := make(chan int, pressureCap)
	producer, consumer := s.Lane("producer"), s.Lane("consumer")
	var blocked time.Duration // producer's time spent waiting in put
	var producerTook time.Duration

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		begin := time.Now()
		for i := 1; i <= pressureItems; i++ {
			producer.Waiting("queue")
			t := time.Now()
			select {
			case queue <- i: // blocks while the queue is full
			case <-ctx.Done():
				return
			}
			blocked += time.Since(t)
			producer.Sent("queue")
		}
		producerTook = time.Since(begin)
		producer.Printf("made %d items, waited %v of %v in put", pressureItems,
			blocked.Round(time.Millisecond), producerTook.Round(time.Millisecond))
	}()

	begin := time.Now()
	for item := range queue {
		consumer.Received("queue")
		consumer.Printf("working on item %d", item)
		if err := s.Sleep(ctx, consumeTime); err != nil {
			for range queue { // drain so the producer can finish
			}
			wg.Wait()
			return err
		}
	}
	consumerTook := time.Since(begin)
	wg.Wait()

	if err := s.Pause(ctx, "how long did the fast producer wait?"); err != nil {
		return err
	}
	s.FindingDuration("producer-blocked", blocked)
	s.FindingDuration("producer-took", producerTook)
	s.FindingDuration("consumer-took", consumerTook)
	s.Say("The producer could make all %d items at once, but the queue holds %d: it went", pressureItems, pressureCap)
	s.Say("at the consumer's pace. That is backpressure: memory stays bounded, and the")
	s.Say("slow stage sets the speed of the whole pipeline.")
	return nil
}
