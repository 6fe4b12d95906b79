// Package metrics is a counter reporter in the style of statsd clients:
// the constructor starts a goroutine that owns the counters, adds to them
// as events arrive and flushes them on every tick of a ticker.
package metrics

import "time"

// Reporter counts named events and flushes them periodically.
type Reporter struct {
	flush  func(map[string]int)
	ticker *time.Ticker
	incr   chan string
	sync   chan chan struct{}
}

// NewReporter starts a reporter that calls flush every interval.
func NewReporter(interval time.Duration, flush func(map[string]int)) *Reporter {
	r := &Reporter{
		flush:  flush,
		ticker: time.NewTicker(interval),
		incr:   make(chan string),
		sync:   make(chan chan struct{}),
	}
	go r.run()
	return r
}

func (r *Reporter) run() {
	counts := make(map[string]int)
	for {
		select {
		case name := <-r.incr:
			counts[name]++
		case <-r.ticker.C:
			r.flush(counts)
			counts = make(map[string]int)
		case done := <-r.sync:
			r.flush(counts)
			counts = make(map[string]int)
			close(done)
		}
	}
}

// Incr adds one to the counter name.
func (r *Reporter) Incr(name string) {
	r.incr <- name
}

// Close flushes the counters that have not been reported yet.
func (r *Reporter) Close() {
	done := make(chan struct{})
	r.sync <- done
	<-done
}
