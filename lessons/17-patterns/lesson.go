// Package patterns is lesson 17: the channel and sync patterns Go
// programs are built from. Generators (goroutines, then iter.Seq and
// iter.Pull), fan-out and fan-in, nil channels in select, timers and
// tickers, rate limiting, heartbeats, livelock and starvation shown and
// measured, and publishing a value with atomic.Pointer or sync.Map.
package patterns

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 17.
var Lesson = lesson.Lesson{
	Number:  17,
	Slug:    "patterns",
	Title:   "Concurrency patterns",
	Summary: "generators and iterators, fan-out/fan-in, nil channels, timers, rate limits, heartbeats, livelock, starvation, atomic publication",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:    "generators",
			Title:   "Generators: ping-pong, a channel, iter.Seq, iter.Pull",
			Claim:   "a generator on a goroutine stays blocked when its consumer stops early; an iter.Seq cleans up at break, and iter.Pull at stop()",
			Run:     generators,
			Predict: "a goroutine sends Fibonacci numbers on a channel; the consumer breaks after 10. Does the goroutine end?",
			Answer:  "no: it waits forever on its next send until told to quit; the iter.Seq version's cleanup runs at break",
		},
		{
			Name:  "fan-out-fan-in",
			Title: "Fan-out and fan-in: 12 jobs, 4 workers, one results channel",
			Claim: "4 workers reading one jobs channel finish 12 jobs of 100 ms in about 300 ms, and a merge delivers all 12 results on one channel",
			Run:   fanOutFanIn,
		},
		{
			Name:  "nil-channels",
			Title: "Nil channels switch select cases off",
			Claim: "selecting on a closed channel spins thousands of times; setting it to nil switches the case off and the loop spins zero times",
			Run:   nilChannels,
		},
		{
			Name:  "timers",
			Title: "Timers since Go 1.23: no stale ticks, collected when forgotten",
			Claim: "since Go 1.23 a fired timer leaves no value behind after Stop or Reset and an unreferenced timer is garbage; with Go 1.22's timers neither holds",
			Run:   timers,
		},
		{
			Name:  "rate-limit",
			Title: "Rate limiting: a ticker, then a token bucket",
			Claim: "a ticker spaces every request, the first too; rate.Limiter with burst 3 lets 3 through at once and spaces the rest",
			Run:   rateLimit,
		},
		{
			Name:  "heartbeat",
			Title: "Heartbeats tell slow from stuck",
			Claim: "a monitor counting the worker's 5 heartbeats notices the silence within 3 intervals of the last one and cancels the stuck worker",
			Run:   heartbeat,
		},
		{
			Name:    "livelock",
			Title:   "Livelock: two polite goroutines",
			Claim:   "two goroutines backing off by the same rule take and release locks 1,000 times each and finish nothing; a random back-off finishes both in a few rounds",
			Run:     livelock,
			Predict: "Tom and Jack each take their own lock, try the other's, and let go if it is taken. Do they finish?",
			Answer:  "with the same back-off, never: busy forever, blocked never; randomness breaks the tie",
		},
		{
			Name:  "starvation",
			Title: "Starvation: strict priority versus select and sync.Mutex",
			Claim: "strict priority serves 0 of 3 low-priority jobs in 1,000 rounds while select serves all 3, and sync.Mutex lets a waiter in against a goroutine that relocks at once",
			Run:   starvation,
		},
		{
			Name:  "publish",
			Title: "Publishing with atomic.Pointer; when sync.Map helps",
			Claim: "readers of an atomic.Pointer never see a half-built or older config among 200 versions, without a lock",
			Run:   publish,
		},
	},
	Children: []lesson.Demo{
		{Name: "timer-checks", Run: timerChecks},
	},
	Exercises: []string{"merge"},
}
