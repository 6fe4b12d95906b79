package patterns

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/conclab/conclab/lessons/lesson"
)

const (
	requests = 6
	every    = 50 * time.Millisecond
	burst    = 3
)

// rateLimit spaces six requests with a ticker (every request waits for
// its tick, the first too), then with rate.Limiter's token bucket (burst
// 3: three go at once, the rest are spaced).
func rateLimit(ctx context.Context, s *lesson.Stage) error {
	s.Heading("A ticker: one request per tick, %v apart", s.Scale(every))
	tick := time.NewTicker(s.Scale(every))
	defer tick.Stop()
	lane := s.Lane("client")
	start := time.Now()
	var gaps []time.Duration
	last := start
	for i := 1; i <= requests; i++ {
		select {
		case <-tick.C: // wait for the next slot
		case <-ctx.Done():
			return ctx.Err()
		}
		now := time.Now()
		gaps = append(gaps, now.Sub(last))
		last = now
		lane.Printf("request %d at %v", i, now.Sub(start).Round(time.Millisecond))
	}
	s.FindingDuration("ticker-first-wait", gaps[0])
	s.FindingDuration("ticker-elapsed", time.Since(start))
	tick.Stop()

	if err := s.Pause(ctx, fmt.Sprintf("rate.NewLimiter(every %v, burst %d): when do the 6 requests go?", s.Scale(every), burst)); err != nil {
		return err
	}
	s.Heading("golang.org/x/time/rate: a token bucket, %v a token, room for %d", s.Scale(every), burst)
	lim := rate.NewLimiter(rate.Every(s.Scale(every)), burst) // starts full
	start = time.Now()
	immediate := 0
	for i := 1; i <= requests; i++ {
		// lim.Wait(ctx) in two steps, to see the delay: take a token
		// (or a place in the queue for one), then sleep until it is due.
		r := lim.Reserve()
		d := r.Delay()
		if d == 0 {
			immediate++ // a token was in the bucket
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			r.Cancel() // give the token back
			return ctx.Err()
		}
		lane.Printf("request %d at %v", i, time.Since(start).Round(time.Millisecond))
	}
	s.Finding("limiter-immediate", float64(immediate), "requests")
	s.FindingDuration("limiter-elapsed", time.Since(start))
	s.Say("The ticker makes even the first request wait and never lets a quiet client catch up.")
	s.Say("The token bucket lets a burst through at once, then one per %v. Wait(ctx) gives up", s.Scale(every))
	s.Say("when the caller does; Allow() answers at once, to reject instead of queueing.")
	return ctx.Err()
}
