// Package ship batches log lines and writes them from a background
// goroutine, in the style of buffered log and metrics shippers.
package ship

import "sync"

// Shipper collects lines and hands them to write in batches.
type Shipper struct {
	write func(batch []string)
	kick  chan struct{}
	done  chan struct{}

	mu      sync.Mutex
	pending []string
	stopped bool
}

// New starts a shipper that sends batches to write.
func New(write func(batch []string)) *Shipper {
	s := &Shipper{write: write, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go s.loop()
	return s
}

// Log queues a line without waiting for it to be written.
func (s *Shipper) Log(line string) {
	s.mu.Lock()
	s.pending = append(s.pending, line)
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Shipper) loop() {
	defer close(s.done)
	for range s.kick {
		s.flush()
		if s.stopped {
			return
		}
	}
}

func (s *Shipper) flush() {
	s.mu.Lock()
	batch := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(batch) > 0 {
		s.write(batch)
	}
}

// Stop writes what is pending and ends the shipper.
func (s *Shipper) Stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	case <-s.done:
	}
	<-s.done
	s.flush()
}
