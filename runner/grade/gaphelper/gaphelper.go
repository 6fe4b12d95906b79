// Package gaphelper holds the source of the file that the grader lays
// into an exercise's package next to the learner's files rewritten by
// grade.Gapped: the functions those files call after each Lock and each
// Unlock. It is an ordinary package too, so that the compiler, vet and
// the tests check the very text that is handed out; nothing in conclab
// calls it. Everything it declares starts with conclabGap, the imports
// included, so that it cannot clash with the learner's names.
//
// A gap is time.Sleep(time.Nanosecond) after an unlock that leaves the
// goroutine holding no lock. Inside a testing/synctest bubble a sleep
// returns only once every other goroutine of the bubble is durably
// blocked: every goroutine that was on its way has reached its own gap
// (or a channel, a Cond, a WaitGroup) before anyone goes on. A check
// made under a lock and acted on after the lock was released and taken
// again is then always stale when it matters, instead of in one run of
// a hundred.
//
// A goroutine never sleeps in a gap while it holds a lock: a goroutine
// waiting for a sync.Mutex is not durably blocked, so the bubble's clock
// would never move and the test would hang. Locks are therefore counted
// per goroutine (conclabGapLock, conclabGapUnlock), and a gap opens only
// when the count is back to zero.
//
// Gaps open only in a bubble and only while CONCLAB_GAPS is set (a test
// sets it with t.Setenv): everywhere else the calls cost a clock read
// and do nothing, so the other tests run as they always did.
// CONCLAB_GAPS=1 makes each gap a nanosecond of the bubble's clock; a
// duration ("30ns") makes it that long, so that a test can stagger
// goroutines: one started while gaps are 10ns long acts before one
// started while they are 30ns long, and the test can start a third in
// between.
//
// With CONCLAB_GAPS_HELD=1 as well, a gap opens after every unlock, even
// one that leaves the goroutine holding another lock (a critical section
// split inside another lock). Waits for the learner's locks are then made
// durable instead: each Lock or RLock statement whose lock the rewrite
// can address becomes a loop of TryLock and sleeps (conclabGapTake), so
// that a goroutine waiting for a lock held by one sleeping in a gap is
// durably blocked, and the bubble's clock moves.
//
// With CONCLAB_GAPS_LOADS=1, a gap opens after each atomic load as well.
package gaphelper

import (
	conclabGapOS "os"
	conclabGapReflect "reflect"
	conclabGapRuntime "runtime"
	conclabGapAtomic "sync/atomic"
	conclabGapTime "time"
)

// conclabGapHeld counts the locks each goroutine holds, in the slot of
// its goroutine ID modulo the array's length. Each goroutine touches
// only its own slot, so the counts add no happens-before edge between
// goroutines that could hide a data race from the race detector. Two
// goroutines sharing a slot only make gaps rarer: the slot is zero only
// when neither holds a lock.
var conclabGapHeld [4096]conclabGapAtomic.Int32

// conclabGapBubbleEpoch bounds the time a synctest bubble can show: its
// fake clock starts at midnight UTC 2000-01-01 and no test runs for a
// year of it, while the real clock is long past. A clock before this
// moment is a bubble's.
var conclabGapBubbleEpoch = conclabGapTime.Date(2001, 1, 1, 0, 0, 0, 0, conclabGapTime.UTC)

// conclabGapActive reports whether gaps are on for the calling
// goroutine: it runs in a synctest bubble and the test set CONCLAB_GAPS.
// The environment is read at each call because the test sets it
// (t.Setenv) after the package was initialised, and may change it
// between the steps it stages.
func conclabGapActive() bool {
	if !conclabGapTime.Now().Before(conclabGapBubbleEpoch) {
		return false
	}
	v := conclabGapOS.Getenv("CONCLAB_GAPS")
	return v != "" && v != "0"
}

// conclabGapDurable reports whether gaps open with locks held, and lock
// waits must therefore be durable (CONCLAB_GAPS_HELD=1).
func conclabGapDurable() bool {
	return conclabGapActive() && conclabGapOS.Getenv("CONCLAB_GAPS_HELD") == "1"
}

// conclabGapLength is how long a gap lasts on the bubble's clock: a
// nanosecond, or the duration CONCLAB_GAPS gives.
func conclabGapLength() conclabGapTime.Duration {
	if d, err := conclabGapTime.ParseDuration(conclabGapOS.Getenv("CONCLAB_GAPS")); err == nil && d > 0 {
		return d
	}
	return conclabGapTime.Nanosecond
}

// conclabGapLock is called after each Lock and RLock statement.
func conclabGapLock() {
	if conclabGapActive() {
		conclabGapSlot().Add(1)
	}
}

// conclabGapUnlock is called after each Unlock and RUnlock statement,
// deferred ones included: it opens a gap when the goroutine now holds
// no lock. An unlock of a lock taken by another goroutine (legal for a
// sync.Mutex) leaves the count at zero rather than below it.
func conclabGapUnlock() {
	if !conclabGapActive() {
		return
	}
	held := conclabGapDurable()
	s := conclabGapSlot()
	for {
		n := s.Load()
		if n <= 0 {
			break
		}
		if s.CompareAndSwap(n, n-1) {
			if n > 1 && !held {
				return // still holding another lock: no gap
			}
			break
		}
	}
	conclabGapTime.Sleep(conclabGapLength())
}

// conclabGapAfter returns v, the value of an atomic load, after a gap
// when the test asked for gaps after loads (CONCLAB_GAPS_LOADS=1): a
// load and a store made as two steps (x.Store(x.Load()+1)) are then
// always interleaved with the other goroutines' loads and stores, as a
// critical section split in two is. Like any other, the gap opens only
// when the goroutine holds no lock, or with held gaps on.
func conclabGapAfter[T any](v T) T {
	if conclabGapActive() && conclabGapOS.Getenv("CONCLAB_GAPS_LOADS") == "1" &&
		(conclabGapSlot().Load() <= 0 || conclabGapDurable()) {
		conclabGapTime.Sleep(conclabGapLength())
	}
	return v
}

// conclabGapTake takes the lock at l (the address of the expression a
// Lock or RLock statement called it on; read says which) without
// blocking on the lock itself: it tries, and sleeps on the bubble's
// clock between tries, which is a durable wait. The sleeps double from
// a nanosecond to a millisecond: a waiter soon tries again after the
// gap of the goroutine it waits for, whose unlock it cannot see (a
// channel would belong to one bubble, and this helper serves them all).
// A lock still taken after a second of tries is waited for the usual
// way: a deadlock is then the runtime's to see, not a clock spinning
// for ever. A lock without TryLock (a lock of the learner's own making,
// say on a channel) is taken the usual way.
func conclabGapTake(l any, read bool) {
	try, lock := conclabGapLocker(l, read)
	if try != nil {
		wait := conclabGapTime.Nanosecond
		for waited := conclabGapTime.Duration(0); waited < conclabGapTime.Second; waited += wait {
			if try() {
				return
			}
			conclabGapTime.Sleep(wait)
			if wait < conclabGapTime.Millisecond {
				wait *= 2
			}
		}
	}
	lock()
}

// conclabGapLocker finds the lock behind l: l itself, or what l points
// to (a pointer to a *sync.Mutex, or to a sync.Locker), and returns its
// TryLock and Lock (TryRLock and RLock when read), or nil and its Lock
// (RLock) when it has no TryLock.
func conclabGapLocker(l any, read bool) (try func() bool, lock func()) {
	v := conclabGapReflect.ValueOf(l)
	for v.IsValid() && v.CanInterface() {
		switch x := v.Interface().(type) {
		case interface {
			RLock()
			TryRLock() bool
		}:
			if read {
				return x.TryRLock, x.RLock
			}
		case interface{ RLock() }:
			if read {
				return nil, x.RLock
			}
		}
		if !read {
			switch x := v.Interface().(type) {
			case interface {
				Lock()
				TryLock() bool
			}:
				return x.TryLock, x.Lock
			case interface{ Lock() }:
				return nil, x.Lock
			}
		}
		if k := v.Kind(); (k != conclabGapReflect.Pointer && k != conclabGapReflect.Interface) || v.IsNil() {
			break
		}
		v = v.Elem()
	}
	panic("conclab gaps: no lock found behind a Lock statement's receiver")
}

// conclabGapSlot is the calling goroutine's slot in conclabGapHeld.
func conclabGapSlot() *conclabGapAtomic.Int32 {
	return &conclabGapHeld[conclabGapID()%uint64(len(conclabGapHeld))]
}

// conclabGapID is the calling goroutine's ID, read from the first line
// of its stack trace ("goroutine 18 [running]:"). Go hides the ID on
// purpose; a test-only helper may read it.
func conclabGapID() uint64 {
	var buf [64]byte
	b := buf[:conclabGapRuntime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
