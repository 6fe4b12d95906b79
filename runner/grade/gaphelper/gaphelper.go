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
// Gaps open only in a bubble and only while CONCLAB_GAPS=1 is set (a
// test sets it with t.Setenv): everywhere else the calls cost a clock
// read and do nothing, so the other tests run as they always did.
package gaphelper

import (
	conclabGapOS "os"
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
// goroutine: it runs in a synctest bubble and the test set
// CONCLAB_GAPS=1. The environment is read at each call because the test
// sets it (t.Setenv) after the package was initialised.
func conclabGapActive() bool {
	return conclabGapTime.Now().Before(conclabGapBubbleEpoch) && conclabGapOS.Getenv("CONCLAB_GAPS") == "1"
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
	s := conclabGapSlot()
	for {
		n := s.Load()
		if n <= 0 {
			break
		}
		if s.CompareAndSwap(n, n-1) {
			if n > 1 {
				return // still holding another lock: no gap
			}
			break
		}
	}
	conclabGapTime.Sleep(conclabGapTime.Nanosecond)
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
