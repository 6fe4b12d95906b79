// Package mail sends messages through a background delivery goroutine and
// logs through a package-level logger, in the style of packages whose
// tests point that logger at a *testing.T.
package mail

import "sync"

// Logger is the subset of *testing.T and *log.Logger that mail needs.
type Logger interface {
	Logf(format string, args ...any)
}

type discard struct{}

func (discard) Logf(string, ...any) {}

var (
	mu     sync.Mutex
	logger Logger = discard{}

	start sync.Once
	queue chan message
)

type message struct {
	to, body string
	sent     chan error
}

// SetLogger sends the package's log lines to l.
func SetLogger(l Logger) {
	mu.Lock()
	defer mu.Unlock()
	logger = l
}

// Send queues a message and waits until it has been delivered.
func Send(to, body string) error {
	start.Do(func() {
		queue = make(chan message)
		go deliver()
	})
	m := message{to: to, body: body, sent: make(chan error, 1)}
	queue <- m
	return <-m.sent
}

func deliver() {
	for m := range queue {
		mu.Lock()
		log := logger
		mu.Unlock()
		log.Logf("mail: delivering %d bytes to %s", len(m.body), m.to)
		m.sent <- nil
	}
}
