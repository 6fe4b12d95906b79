package queues

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// giveUp is how long each blocked call is willing to wait.
const giveUp = 200 * time.Millisecond

// put waits for room in q, or for ctx to be done, whichever comes first.
func put(ctx context.Context, q chan<- string, v string) error {
	select {
	case q <- v:
		return nil
	case <-ctx.Done(): // beside the send: the wait ends either way
		return ctx.Err() // and v was not added
	}
}

// get waits for an item in q, or for ctx to be done.
func get(ctx context.Context, q <-chan string) (string, error) {
	select {
	case v := <-q:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// condBox is a queue of strings on a sync.Cond: waiters sleep in
// cond.Wait, and whoever adds an item Broadcasts.
type condBox struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []string
}

func newCondBox() *condBox {
	b := &condBox{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// put adds v and wakes the waiters.
func (b *condBox) put(v string) {
	b.mu.Lock()
	b.items = append(b.items, v)
	b.cond.Broadcast()
	b.mu.Unlock()
}

// getIgnoringCtx takes ctx and cannot use it: cond.Wait is not a channel,
// so there is nothing to put beside it in a select.
func (b *condBox) getIgnoringCtx(_ context.Context) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == 0 {
		b.cond.Wait() // wakes only on Broadcast or Signal
	}
	v := b.items[0]
	b.items = b.items[1:]
	return v
}

// get waits for an item or for ctx. context.AfterFunc turns "ctx is done"
// into a Broadcast, and the loop checks ctx.Err() each time it wakes.
func (b *condBox) get(ctx context.Context) (string, error) {
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock() // not between the waiter's check and its Wait: no lost wakeup
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == 0 {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		b.cond.Wait()
	}
	v := b.items[0]
	b.items = b.items[1:]
	return v, nil
}

func cancelWait(ctx context.Context, s *lesson.Stage) error {
	wait := s.Scale(giveUp)

	s.Heading("A put into a full channel; it gives up after %v", wait)
	queue := make(chan string, 1)
	queue <- "first"
	pctx, cancel := context.WithTimeout(ctx, wait)
	lane := s.Lane("put")
	begin := time.Now()
	lane.Waiting("queue")
	err := put(pctx, queue, "second")
	took := time.Since(begin)
	cancel()
	lane.Printf("put returned after %v: %v", took.Round(time.Millisecond), err)
	lane.Done()
	s.FindingDuration("put-returned-after", took)
	s.Finding("put-deadline", boolFinding(errors.Is(err, context.DeadlineExceeded)), "(1 = DeadlineExceeded)")
	s.Finding("queue-len", float64(len(queue)), "item, the first (the timed-out put added none)")
	<-queue

	s.Heading("A get on the empty channel; someone cancels it after %v", wait)
	gctx, cancel := context.WithCancel(ctx)
	go func() {
		s.Sleep(ctx, giveUp) // the caller gives up; ctx ends this sleep early too
		cancel()
	}()
	lane = s.Lane("get")
	lane.Waiting("queue")
	_, err = get(gctx, queue)
	lane.Printf("get returned: %v", err)
	lane.Done()
	s.Finding("get-cancelled", boolFinding(errors.Is(err, context.Canceled)), "(1 = Canceled)")
	if err := ctx.Err(); err != nil {
		return err
	}

	if err := s.Pause(ctx, "and a queue on sync.Cond: can its Get be cancelled?"); err != nil {
		return err
	}
	s.Heading("cond.Wait, and a deadline %v away that it cannot see", wait)
	box := newCondBox()
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	lane = s.Lane("cond get")
	returned := make(chan string, 1)
	go func() {
		lane.Waiting("box")
		v := box.getIgnoringCtx(wctx)
		lane.Received("box")
		lane.Done()
		returned <- v
	}()
	still := 0.0
	select {
	case <-returned:
	case <-time.After(2 * wait):
		still = 1
		lane.Printf("still in cond.Wait %v later, its ctx long done", 2*wait)
	}
	s.Finding("cond-wait-ignored-ctx", still, "(1 = still waiting at twice the timeout)")
	box.put("rescue") // the only way out: give it what it waits for
	<-returned

	s.Heading("The escape: context.AfterFunc Broadcasts when ctx is done")
	wctx, cancel = context.WithTimeout(ctx, wait)
	defer cancel()
	lane = s.Lane("AfterFunc get")
	begin = time.Now()
	lane.Waiting("box")
	_, err = box.get(wctx)
	took = time.Since(begin)
	lane.Printf("get returned after %v: %v", took.Round(time.Millisecond), err)
	lane.Done()
	s.FindingDuration("cond-get-returned-after", took)
	s.Finding("cond-get-deadline", boolFinding(errors.Is(err, context.DeadlineExceeded)), "(1 = DeadlineExceeded)")
	s.Say("A channel wait ends on ctx when ctx.Done() sits beside it in a select. Cond")
	s.Say("has no channel: AfterFunc wakes the waiters, and they look at ctx.Err().")
	return nil
}

// boolFinding is 1 for true and 0 for false.
func boolFinding(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
