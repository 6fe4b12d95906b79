package events

import (
	"context"
	"fmt"
	"sync"

	"github.com/conclab/conclab/lessons/lesson"
)

const runners = 5

func closeBroadcast(ctx context.Context, s *lesson.Stage) error {
	s.Say("%d runners wait at the start line on one channel, gun.", runners)
	gun := make(chan struct{})
	off := make(chan string, runners) // each runner reports once it is off
	var wg sync.WaitGroup
	for i := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lane := s.Lane(fmt.Sprintf("runner %d", i+1))
			lane.Waiting("gun")
			<-gun // a receive: woken by one send, or by close for everyone
			lane.Received("gun")
			off <- lane.Name()
		}()
	}

	if err := s.Pause(ctx, "one send on the channel: how many runners start?"); err != nil {
		return err
	}
	s.Heading("gun <- struct{}{}: one send")
	gun <- struct{}{} // exactly one receiver gets this value
	first := <-off
	s.Say("%s is off; the other %d are still waiting: a send is a message to one.", first, runners-1)
	s.Finding("released-by-send", 1, "runner")

	if err := s.Pause(ctx, "now close(gun): how many start?"); err != nil {
		return err
	}
	s.Heading("close(gun): a broadcast")
	close(gun) // every receive, now and later, returns at once
	byClose := 0
	for range runners - 1 {
		select {
		case name := <-off:
			byClose++
			s.Say("%s is off", name)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	wg.Wait()
	s.Finding("released-by-close", float64(byClose), "runners")
	s.Say("A closed channel never blocks a receiver again: that makes close the one-shot,")
	s.Say("wake-everyone event. It can only happen once (closing twice panics), which is")
	s.Say("exactly what \"the database is ready\" or \"shut down now\" needs.")
	return nil
}
