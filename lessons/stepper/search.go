package stepper

// Result is what an exhaustive search of a level found.
type Result struct {
	// Schedule is a shortest winning schedule (goroutine indexes, one per
	// step), nil if the level cannot be won.
	Schedule []int
	Message  string // the bug, as Win describes it
	// States is how many distinct states were visited. When Schedule is
	// nil this is every reachable state: the proof that no schedule wins.
	States int
	// Endings are the distinct final states (nobody can move), by key,
	// described in words; complete only when Schedule is nil.
	Endings map[string]string
	// Schedules is how many complete schedules (from the start until
	// nobody can move) the level has, or -1 if a loop makes them
	// endless; counted only when Schedule is nil.
	Schedules int
}

// Solve explores the level's states breadth first, so the first winning
// state it meets is reached by a shortest schedule. If no reachable state
// wins, it has visited them all: the level cannot be won.
func Solve(l *Level) Result {
	type node struct {
		st     *State
		parent int
		g      int
	}
	start := l.Start()
	nodes := []node{{st: start, parent: -1, g: -1}}
	seen := map[string]bool{start.Key(): true}
	res := Result{Endings: make(map[string]string)}
	for i := 0; i < len(nodes); i++ {
		st := nodes[i].st
		if won, msg := l.Won(st); won {
			for j := i; nodes[j].parent >= 0; j = nodes[j].parent {
				res.Schedule = append([]int{nodes[j].g}, res.Schedule...)
			}
			if res.Schedule == nil {
				res.Schedule = []int{}
			}
			res.Message = msg
			res.States = len(seen)
			return res
		}
		runnable := l.Runnable(st)
		if len(runnable) == 0 {
			res.Endings[st.Key()] = l.Ending(st)
		}
		for _, g := range runnable {
			next, _ := l.Step(st, g)
			if k := next.Key(); !seen[k] {
				seen[k] = true
				nodes = append(nodes, node{st: next, parent: i, g: g})
			}
		}
	}
	res.States = len(seen)
	res.Schedules = countSchedules(l)
	return res
}

// countSchedules counts the paths from the start to a final state, or
// returns -1 if some state can reach itself (endless schedules).
func countSchedules(l *Level) int {
	const onPath = -2
	memo := make(map[string]int)
	var count func(st *State) int
	count = func(st *State) int {
		k := st.Key()
		if n, ok := memo[k]; ok {
			if n == onPath {
				return -1
			}
			return n
		}
		runnable := l.Runnable(st)
		if len(runnable) == 0 {
			memo[k] = 1
			return 1
		}
		memo[k] = onPath
		total := 0
		for _, g := range runnable {
			next, _ := l.Step(st, g)
			n := count(next)
			if n < 0 {
				memo[k] = -1
				return -1
			}
			total += n
		}
		memo[k] = total
		return total
	}
	return count(l.Start())
}
