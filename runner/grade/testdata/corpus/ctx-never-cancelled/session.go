// Package session keeps login sessions that clean up after themselves, in
// the style of connection and session types that derive a context in
// their constructor and watch it from a goroutine.
package session

import (
	"context"
	"sync"
)

// Store holds the open sessions by id.
type Store struct {
	mu   sync.Mutex
	open map[string]*Session
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{open: make(map[string]*Session)} }

// Session is one login.
type Session struct {
	ID     string
	cancel context.CancelFunc
}

// Open starts a session that lives until parent ends or the session is
// closed, and removes itself from the store then.
func (s *Store) Open(parent context.Context, id string) *Session {
	ctx, cancel := context.WithCancel(parent)
	sess := &Session{ID: id, cancel: cancel}
	s.mu.Lock()
	s.open[id] = sess
	s.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		delete(s.open, id)
		s.mu.Unlock()
	}()
	return sess
}

// Close ends the session.
func (s *Store) Close(sess *Session) {
	s.mu.Lock()
	delete(s.open, sess.ID)
	s.mu.Unlock()
}

// Len reports how many sessions are open.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}
