package present

// questions are the predict questions for demos whose lessons do not set
// Demo.Predict themselves, by "slug/demo". The answer is revealed after
// the run, next to what the demo measured.
var questions = map[string]struct{ predict, answer string }{
	"goroutines/serial-vs-concurrent": {"Two jobs of 5 steps, one second a step. How long one after the other? How long side by side?", "About 10 s serially and 5 s concurrently: the goroutines' waits overlap."},
	"goroutines/main-returns":         {"main starts workers and returns at once. How many of them finish their work?", "None: when main returns the process exits. A WaitGroup makes main wait for all of them."},
	"goroutines/goroutine-cost":       {"How long do 100,000 goroutines take to start, and how much memory does each one cost?", "A fraction of a second, and a few KiB each: goroutines are cheap, unlike OS threads."},
	"goroutines/all-cores":            {"CPU-bound work on GOMAXPROCS=1 versus all cores: how much faster with all cores?", "Close to the number of cores: Go has no GIL."},
	"race/lost-update":                {"Two goroutines add 1 to a shared counter, 1,000,000 times each. What will the counter show?", "Less than 2,000,000, and a different number every run: n++ is load, add, store, and concurrent stores overwrite each other."},
	"race/detector":                   {"The same code built with -race: will Go notice, and what will it name?", "WARNING: DATA RACE, with both goroutines' lines: the read and the write that conflict."},
	"race/mutex":                      {"The same counter with a Mutex around n++. What does it show now, and is it slower?", "Exactly 2,000,000: only one goroutine at a time runs the three steps. It is slower than without the lock."},
	"race/atomic":                     {"atomic.Int64.Add instead of a Mutex: is the total right, and which is faster?", "Exactly 2,000,000, and atomic is the cheapest of the three fixes."},
	"race/owner":                      {"One goroutine owns the counter; the others send it work. Right total?", "Yes: only one goroutine ever touches the counter."},
	"race/map-writes":                 {"Two goroutines write one map without a lock. Lost entries, or something worse?", "Worse: the runtime stops the whole program with \"concurrent map writes\"."},
	"mutex/invariant-unlocked":        {"A writer does a++; b++ without a lock. Will a checker ever see a != b?", "Yes, often: the checker reads between the two increments."},
	"mutex/invariant-locked":          {"Writer and checker now share one mutex. How often does the checker see a != b?", "Never: the lock makes the two increments one step for anyone who also locks."},
	"mutex/lock-scope":                {"10 workers each sleep inside the lock. How long in total, compared with sleeping outside it?", "About 10 times the sleep inside the lock, about once outside: the lock serialises whatever it covers."},
	"mutex/lock-twice":                {"A goroutine locks a sync.Mutex it already holds. What happens?", "It waits forever: Go's Mutex is not reentrant."},
	"deadlock/bank-deadlock":          {"Tom pays Jack while Jack pays Tom; each locks his own account first. What happens?", "Both wait forever: each holds the lock the other needs, a wait-for cycle."},
	"deadlock/lock-order":             {"Now every transfer locks accounts in one global order. Can it still deadlock?", "No: with one order there can be no cycle, and the money is conserved."},
	"deadlock/channel-deadlock":       {"An unbuffered send nobody receives: what does the Go runtime do?", "It stops the program: \"all goroutines are asleep - deadlock!\"."},
	"deadlock/partial-deadlock":       {"Two goroutines wait for each other while main keeps running. Does the runtime notice?", "No: only a goroutine count or a dump shows them."},
	"semaphore/buffered-channel":      {"10 tasks, a buffered channel of capacity 3 as the semaphore. How many run at once, at most?", "3, never more, and it does reach 3: the timeline shows it."},
	"semaphore/weighted":              {"A 10 GB budget, jobs of different sizes. When does the 10 GB job run?", "Alone, once every other job has released its memory; the jobs behind it wait their turn."},
	"semaphore/errgroup-limit":        {"errgroup.SetLimit(5), and one task fails. How many run at once, and what happens to the rest?", "At most 5 at once, and the first error cancels the others."},
	"events/password":                 {"main waits 0.5 s for a helper to set the password. What can it get?", "The right secret, a wrong one, or no answer in time: a timeout is an honest answer."},
	"events/close-broadcast":          {"Several goroutines wait on one channel. One send wakes how many? A close?", "A send wakes exactly one; close wakes them all."},
	"events/database-ready":           {"10 clients try 3 times, 0.5 s apart. The server is ready at 1.25 s, or at 1.75 s. Who gets served?", "All 10 on their third try at 1.25 s; at 1.75 s every client times out."},
	"queues/blocking-put":             {"A channel of capacity 2. What happens on the third send?", "It blocks until a receive makes room."},
	"queues/backpressure":             {"A fast producer, a slow consumer, a bounded queue. Where does the producer spend its time?", "Mostly blocked on put: the queue pushes back."},
}
