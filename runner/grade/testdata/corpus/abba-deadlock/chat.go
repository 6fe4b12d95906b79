// Package chat keeps rooms and users, each behind its own mutex, in the
// style of chat and game servers: a broadcast walks a room's members, and
// a user who quits walks the rooms they are in.
package chat

import "sync"

// User is a connected user with an inbox.
type User struct {
	Name  string
	mu    sync.Mutex
	inbox []string
	rooms map[*Room]bool
}

// Room is a chat room.
type Room struct {
	Name    string
	mu      sync.Mutex
	members map[*User]bool
	logf    func(format string, args ...any)
}

// NewUser returns a user in no room.
func NewUser(name string) *User { return &User{Name: name, rooms: make(map[*Room]bool)} }

// NewRoom returns an empty room that logs through logf.
func NewRoom(name string, logf func(format string, args ...any)) *Room {
	return &Room{Name: name, members: make(map[*User]bool), logf: logf}
}

// Join adds u to the room.
func (r *Room) Join(u *User) {
	r.mu.Lock()
	r.members[u] = true
	r.mu.Unlock()
	u.mu.Lock()
	u.rooms[r] = true
	u.mu.Unlock()
}

// Broadcast puts msg in the inbox of every member.
func (r *Room) Broadcast(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logf("%s: broadcast to %d members", r.Name, len(r.members))
	for u := range r.members {
		u.mu.Lock()
		u.inbox = append(u.inbox, msg)
		u.mu.Unlock()
	}
}

// Quit removes u from every room.
func (u *User) Quit() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for r := range u.rooms {
		r.mu.Lock()
		delete(r.members, u)
		r.mu.Unlock()
	}
	u.rooms = make(map[*Room]bool)
}
