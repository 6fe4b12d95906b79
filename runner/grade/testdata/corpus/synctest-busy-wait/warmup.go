// Package warmup starts a backend that needs a warm-up period (a cache
// to fill, a connection pool to open) before it takes requests.
package warmup

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// Backend is ready once its warm-up delay has passed.
type Backend struct {
	ready atomic.Bool
	timer *time.Timer
}

// Start begins the warm-up; the backend is ready after delay.
func Start(delay time.Duration) *Backend {
	b := &Backend{}
	b.timer = time.AfterFunc(delay, func() { b.ready.Store(true) })
	return b
}

// Ready reports whether the warm-up is over.
func (b *Backend) Ready() bool { return b.ready.Load() }

// WaitReady returns once the backend is ready, or with ctx's error if
// ctx ends first.
func (b *Backend) WaitReady(ctx context.Context) error {
	for !b.ready.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		default:
			runtime.Gosched()
		}
	}
	return nil
}

// Stop ends the warm-up early if it is still running.
func (b *Backend) Stop() { b.timer.Stop() }
