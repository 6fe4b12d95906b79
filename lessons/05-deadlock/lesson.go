// Package deadlock is lesson 5: the four Coffman conditions, lock-order
// (AB-BA) deadlock, channel deadlock, and how to detect and prevent them.
package deadlock

import (
	_ "embed"

	"github.com/conclab/conclab/lessons/lesson"
)

//go:embed lesson.md
var text string

// Lesson is lesson 5.
var Lesson = lesson.Lesson{
	Number:  5,
	Slug:    "deadlock",
	Title:   "Deadlock",
	Summary: "lock-order deadlock in a bank, the four Coffman conditions, lock ordering and TryLock fixes, channel deadlocks seen and unseen",
	Text:    text,
	Demos: []lesson.Demo{
		{
			Name:  "bank-deadlock",
			Title: "The bank: Tom->Jack while Jack->Tom",
			Claim: "two transfers that each lock their own account first, then the other's, deadlock every time; a 1 s watchdog and a goroutine dump show the wait-for cycle",
			Run:   bankDeadlock,
		},
		{
			Name:  "lock-order",
			Title: "Fix 1: one global lock order",
			Claim: "locking accounts in one global order cannot deadlock: 20,002 transfers finish and the 16,000 in the bank are conserved",
			Run:   lockOrder,
		},
		{
			Name:  "trylock",
			Title: "Fix 2: TryLock and back off",
			Claim: "a transfer that cannot get the second lock lets go of the first and retries later; the forced collision resolves and the money is conserved",
			Run:   tryLock,
		},
		{
			Name:  "channel-deadlock",
			Title: "All goroutines are asleep",
			Claim: "an unbuffered send nobody receives makes the runtime itself stop the program with \"all goroutines are asleep - deadlock!\"",
			Run:   channelDeadlock,
		},
		{
			Name:  "partial-deadlock",
			Title: "A deadlock the runtime does not notice",
			Claim: "two goroutines waiting for each other while the rest of the program runs are never reported; a goroutine count and dump show them",
			Run:   partialDeadlock,
		},
	},
	Children: []lesson.Demo{
		{
			Name:  "bank-transfers",
			Title: "The two transfers, deadlocking for real (child process only)",
			Run:   bankTransfers,
		},
		{
			Name:  "send-alone",
			Title: "An unbuffered send nobody receives (child process only)",
			Run:   sendAlone,
		},
	},
	Exercises: []string{"transfer"},
	Levels:    levels(),
}
