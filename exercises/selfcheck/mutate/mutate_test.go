package mutate_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/exercises/selfcheck/mutate"
)

var update = flag.Bool("update", false, "rewrite testdata/solutions.golden")

// changes lists the lines of mutant that differ from orig as "N: text",
// and what was appended after orig's last line as "+: text".
func changes(orig, mutant []byte) string {
	o := strings.Split(string(orig), "\n")
	m := strings.Split(string(mutant), "\n")
	var out []string
	for i := range o {
		if i < len(m) && m[i] != o[i] {
			out = append(out, strings.TrimSpace(fmt.Sprintf("%d: %s", i+1, strings.TrimSpace(m[i]))))
		}
	}
	for _, l := range m[min(len(o), len(m)):] {
		if strings.TrimSpace(l) != "" {
			out = append(out, "+: "+strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "\n")
}

// want is one expected mutant: its description and changed lines.
type want struct {
	desc    string
	changes string
}

func TestOperators(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   mutate.Operator
		src  string
		want []want
	}{
		{
			name: "pair with deferred unlock",
			op:   mutate.DeleteLockPair,
			src: `package p
import "sync"
type C struct { mu sync.Mutex; n int }
func (c *C) Inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}`,
			want: []want{{"x.go:5: deleted c.mu.Lock()/defer c.mu.Unlock() pair", "5: _ = c.mu.Lock\n6: _ = c.mu.Unlock"}},
		},
		{
			name: "pair with an unlock before an early return",
			op:   mutate.DeleteLockPair,
			src: `package p
func (s *S) add(c int) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.n += c
	s.mu.Unlock()
	return true
}`,
			want: []want{{"x.go:3: deleted s.mu.Lock()/s.mu.Unlock() pair (and the Unlock() before 1 early return)",
				"3: _ = s.mu.Lock\n5: _ = s.mu.Unlock\n9: _ = s.mu.Unlock"}},
		},
		{
			name: "locked and unlocked in a loop: every call of the function",
			op:   mutate.DeleteLockPair,
			src: `package p
func (q *Q) Get() int {
	q.mu.Lock()
	for len(q.items) == 0 {
		q.mu.Unlock()
		<-q.changed
		q.mu.Lock()
	}
	defer q.mu.Unlock()
	return q.items[0]
}`,
			want: []want{{"x.go:3: deleted all 4 q.mu.Lock()/Unlock() calls in Get",
				"3: _ = q.mu.Lock\n5: _ = q.mu.Unlock\n7: _ = q.mu.Lock\n9: _ = q.mu.Unlock"}},
		},
		{
			name: "read lock pair; a lock in a func literal is its own",
			op:   mutate.DeleteLockPair,
			src: `package p
func (s *S) Get(k string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	go func() { s.mu.Lock(); s.mu.Unlock() }()
	return s.m[k]
}`,
			want: []want{
				{"x.go:3: deleted s.mu.RLock()/defer s.mu.RUnlock() pair", "3: _ = s.mu.RLock\n4: _ = s.mu.RUnlock"},
				{"x.go:5: deleted s.mu.Lock()/s.mu.Unlock() pair", "5: go func() { _ = s.mu.Lock; _ = s.mu.Unlock }()"},
			},
		},
		{
			name: "lock to rlock on an RWMutex, not on a Mutex",
			op:   mutate.LockToRLock,
			src: `package p
import "sync"
type S struct { rw sync.RWMutex; mu sync.Mutex }
func (s *S) F() {
	s.rw.Lock()
	defer s.rw.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
}`,
			want: []want{{"x.go:5: made s.rw.Lock()/defer s.rw.Unlock() pair RLock()/RUnlock()", "5: s.rw.RLock()\n6: defer s.rw.RUnlock()"}},
		},
		{
			name: "rlock to lock",
			op:   mutate.RLockToLock,
			src: `package p
func (s *S) F() {
	s.mu.RLock()
	x := s.x
	s.mu.RUnlock()
	use(x)
}`,
			want: []want{{"x.go:3: made s.mu.RLock()/s.mu.RUnlock() pair Lock()/Unlock()", "3: s.mu.Lock()\n5: s.mu.Unlock()"}},
		},
		{
			name: "broadcast to signal",
			op:   mutate.BroadcastToSignal,
			src: `package p
func (q *Q) Put(v int) {
	q.items = append(q.items, v)
	q.cond.Broadcast()
}`,
			want: []want{{"x.go:4: made q.cond.Broadcast() Signal()", "4: q.cond.Signal()"}},
		},
		{
			name: "drop signal and broadcast",
			op:   mutate.DropNotify,
			src: `package p
func (q *Q) Put(v int) {
	q.cond.Signal()
	q.cond.Broadcast()
}`,
			want: []want{
				{"x.go:3: deleted q.cond.Signal()", "3: _ = q.cond.Signal"},
				{"x.go:4: deleted q.cond.Broadcast()", "4: _ = q.cond.Broadcast"},
			},
		},
		{
			name: "split after a check, before the act",
			op:   mutate.SplitCritical,
			src: `package p
func (l *L) Move(n int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n > l.a {
		return errNoFunds
	}
	l.a -= n
	return nil
}`,
			want: []want{{"x.go:7: released and retook l.mu between the check n > l.a and the statement after it",
				"7: }; l.mu.Unlock(); l.mu.Lock()"}},
		},
		{
			name: "split inside the check's branch; not after an unlock, not without the lock",
			op:   mutate.SplitCritical,
			src: `package p
func (e *E) Set() {
	e.mu.Lock()
	if !e.set {
		e.set = true
		close(e.ch)
	}
	e.mu.Unlock()
	if e.set {
		e.n++
	}
}`,
			want: []want{{"x.go:4: released and retook e.mu between the check !e.set and its branch",
				"4: if !e.set { e.mu.Unlock(); e.mu.Lock();"}},
		},
		{
			name: "split after a check of a local read from shared state under the lock; not of one read without it",
			op:   mutate.SplitCritical,
			src: `package p
func (c *C) Get(k string) *E {
	n := c.limit
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		e = &E{}
		c.m[k] = e
	}
	if n > 0 {
		c.hits++
	}
	c.mu.Unlock()
	return e
}`,
			want: []want{
				{"x.go:6: released and retook c.mu between the check !ok and its branch",
					"6: if !ok { c.mu.Unlock(); c.mu.Lock();"},
				{"x.go:9: released and retook c.mu between the check !ok and the statement after it",
					"9: }; c.mu.Unlock(); c.mu.Lock()"},
			},
		},
		{
			name: "split in a loop that releases the lock to wait, with a read lock",
			op:   mutate.SplitCritical,
			src: `package p
func (q *Q) Peek() int {
	q.mu.RLock()
	for {
		if len(q.items) > 0 {
			v := q.items[0]
			q.mu.RUnlock()
			return v
		}
		ch := q.changed
		q.mu.RUnlock()
		<-ch
		q.mu.RLock()
	}
}`,
			want: []want{
				{"x.go:5: released and retook q.mu between the check len(q.items) > 0 and its branch",
					"5: if len(q.items) > 0 { q.mu.RUnlock(); q.mu.RLock();"},
				{"x.go:9: released and retook q.mu between the check len(q.items) > 0 and the statement after it",
					"9: }; q.mu.RUnlock(); q.mu.RLock()"},
			},
		},
		{
			name: "swap consecutive locks, defers between them",
			op:   mutate.SwapLocks,
			src: `package p
func T(a, b *A) {
	a.mu.Lock()
	defer a.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
}`,
			want: []want{{"x.go:3: swapped a.mu.Lock() and b.mu.Lock()", "3: b.mu.Lock()\n5: a.mu.Lock()"}},
		},
		{
			name: "drop done cases; not the only case, not other channels",
			op:   mutate.DropDoneCase,
			src: `package p
func F(ctx context.Context, in, done, out chan int) {
	select {
	case v := <-in:
		out <- v
	case <-ctx.Done():
		return
	case _, ok := <-done:
		_ = ok
	}
	select {
	case <-ctx.Done():
	}
}`,
			want: []want{
				{"x.go:6: deleted case <-ctx.Done() from the select", "6:\n7:"},
				{"x.go:8: deleted case _, ok := <-done from the select", "8:\n9:"},
			},
		},
		{
			name: "add default where there is none, not where it would be a missing return",
			op:   mutate.AddDefault,
			src: `package p
func F(a, b chan int) {
	select {
	case <-a:
	}
	select {
	case <-b:
	default:
	}
}
func G(a chan int) int {
	select {
	case v := <-a:
		return v
	}
}`,
			want: []want{{"x.go:3: added a default: to the select", "5: default: }"}},
		},
		{
			name: "move wg.Add into the goroutine, literal or not; not a variable amount",
			op:   mutate.MoveWaitGroupAdd,
			src: `package p
func F(n int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
	}()
	wg.Add(1)
	go work(&wg)
	wg.Add(n)
	go work(&wg)
	wg.Wait()
}`,
			want: []want{
				{"x.go:4: moved wg.Add(1) into the goroutine started after it", "4:\n5: go func() { wg.Add(1);"},
				{"x.go:8: moved wg.Add(1) into the goroutine started after it", "8:\n9: go func() { wg.Add(1); work(&wg) }()"},
			},
		},
		{
			name: "remove close, deferred or not",
			op:   mutate.RemoveClose,
			src: `package p
func F(out, done chan int) {
	defer close(out)
	close(done)
}`,
			want: []want{
				{"x.go:3: deleted defer close(out)", "3: _ = out"},
				{"x.go:4: deleted close(done)", "4: _ = done"},
			},
		},
		{
			name: "unbuffer a buffered channel",
			op:   mutate.Unbuffer,
			src: `package p
var a, b, c = make(chan int, 4), make(chan int), make(chan int, 0)`,
			want: []want{{"x.go:2: made make(chan int, 4) unbuffered", "2: var a, b, c = make(chan int), make(chan int), make(chan int, 0)"}},
		},
		{
			name: "buffer an unbuffered channel",
			op:   mutate.Buffer,
			src: `package p
var a, b, c = make(chan int, 4), make(chan int), make(chan int, 0)`,
			want: []want{
				{"x.go:2: gave make(chan int) a buffer of 1", "2: var a, b, c = make(chan int, 4), make(chan int, 1), make(chan int, 0)"},
				{"x.go:2: gave make(chan int, 0) a buffer of 1", "2: var a, b, c = make(chan int, 4), make(chan int), make(chan int, 1)"},
			},
		},
		{
			name: "remove defer, still evaluating what it evaluated",
			op:   mutate.RemoveDefer,
			src: `package p
func F(ctx context.Context, out chan int) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer close(out)
	defer log.Printf("done %v", ctx)
	defer func() {
		recover()
	}()
}`,
			want: []want{
				{"x.go:4: deleted defer cancel()", "4: _ = cancel"},
				{"x.go:5: deleted defer close(out)", "5: _ = out"},
				{`x.go:6: deleted defer log.Printf("done %v", ctx)`, `6: _, _, _ = log.Printf, "done %v", ctx`},
				{"x.go:7: deleted defer func() { recover() }()", "7: _ = func() {\n9: }"},
			},
		},
		{
			name: "racy atomic: statement, expression, compare and swap; not a WaitGroup",
			op:   mutate.RacyAtomic,
			src: `package p
import "sync/atomic"
type S struct { n atomic.Int64; ready atomic.Bool; wg sync.WaitGroup }
func (s *S) F(d int64) int64 {
	s.wg.Add(1)
	s.n.Add(d - 1)
	s.ready.CompareAndSwap(false, true)
	return s.n.Add(1)
}`,
			want: []want{
				{"x.go:6: made s.n.Add(d - 1) a load and a store", "6: s.n.Store(s.n.Load() + (d - 1))"},
				{"x.go:7: made s.ready.CompareAndSwap(false, true) a load, a comparison and a store",
					"7: (s.ready.Load() == false && func() bool { s.ready.Store(true); return true }())"},
				{"x.go:8: made s.n.Add(1) a load and a store", "8: return conclabRacyAdd(s.n.Load(), s.n.Store, 1)\n" +
					"+: // conclabRacyAdd is what mutate's racy-atomic operator made of an atomic\n" +
					"+: // Add whose result is used: a load and a store, each atomic, the pair not.\n" +
					"+: func conclabRacyAdd[V int32 | int64 | uint32 | uint64 | uintptr](loaded V, store func(V), d V) V {\n" +
					"+: v := loaded + d\n+: store(v)\n+: return v\n+: }"},
			},
		},
		{
			name: "drop recover",
			op:   mutate.DropRecover,
			src: `package p
func F() {
	defer func() {
		if r := recover(); r != nil {
			log.Print(r)
		}
	}()
}`,
			want: []want{{"x.go:4: made recover() any(nil)", "4: if r := any(nil); r != nil {"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := tc.op.Mutants("dir/x.go", []byte(tc.src))
			require.NoError(t, err)
			var got []want
			for _, m := range ms {
				assert.Equal(t, tc.op, m.Operator, "%s: wrong operator", m.Description)
				assert.True(t, strings.HasPrefix(m.Description, fmt.Sprintf("x.go:%d: ", m.Line)),
					"description %q must start with the file and Line %d", m.Description, m.Line)
				got = append(got, want{m.Description, changes([]byte(tc.src), m.Source)})
			}
			assert.Equal(t, tc.want, got, "mutants of %s", tc.op)
		})
	}
}

func TestEveryOperatorIsTested(t *testing.T) {
	for _, op := range mutate.Operators() {
		assert.NotEmpty(t, op.Doc(), "operator %s has no Doc", op)
	}
	assert.Empty(t, mutate.Operator("no-such").Doc())
	_, err := mutate.Operator("no-such").Mutants("x.go", []byte("package p"))
	assert.ErrorContains(t, err, "unknown operator")
	_, err = mutate.All("x.go", []byte("package p; func {"))
	assert.Error(t, err, "a file that does not parse has no mutants")
}

func TestAllLeavesOutDuplicates(t *testing.T) {
	src := []byte("package p\nfunc F(out chan int) {\n\tdefer close(out)\n}\n")
	ms, err := mutate.All("x.go", src)
	require.NoError(t, err)
	require.Len(t, ms, 1, "remove-close and remove-defer make the same mutant of a deferred close")
	assert.Equal(t, mutate.RemoveClose, ms[0].Operator, "the first operator's mutant is kept")
}

// solutions reads every reference solution of the repository.
func solutions(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "..", "solutions", "*", "*.go"))
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no solutions found from %s", must(os.Getwd()))
	files := map[string][]byte{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		files[filepath.ToSlash(filepath.Join(filepath.Base(filepath.Dir(p)), filepath.Base(p)))] = src
	}
	return files
}

func must[T any](v T, _ error) T { return v }

// TestMutantsOfSolutionsParse is the property every mutant must have: it
// parses, it differs from the original, and every line of the original
// keeps its number (lines are how mutants are named in equivalent.txt).
func TestMutantsOfSolutionsParse(t *testing.T) {
	for name, src := range solutions(t) {
		ms, err := mutate.All(name, src)
		require.NoError(t, err, "mutating %s", name)
		lines := bytes.Count(src, []byte("\n"))
		for _, m := range ms {
			_, err := parser.ParseFile(token.NewFileSet(), name, m.Source, 0)
			assert.NoError(t, err, "%s does not parse", m.Description)
			assert.NotEqual(t, src, m.Source, "%s changes nothing", m.Description)
			assert.True(t, m.Line >= 1 && m.Line <= lines, "%s: Line %d is not in the file", m.Description, m.Line)
			assert.NotContains(t, m.Description, "\n", "a description is one line")
			// What changed sits on the lines it replaces: had a line
			// moved, every line after it would differ.
			changed := strings.Count(changes(src[:bytes.LastIndexByte(src, '\n')], m.Source), "\n") + 1
			assert.LessOrEqual(t, changed, 10, "%s changes %d lines: did lines move?\n%s",
				m.Description, changed, changes(src, m.Source))
		}
	}
}

// TestCountsOverSolutions keeps, in testdata/solutions.golden, how many
// mutants each operator makes of the reference solutions and every
// mutant's description: a change to an operator or a solution shows there
// in review. go test -update rewrites it.
func TestCountsOverSolutions(t *testing.T) {
	files := solutions(t)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	counts := map[mutate.Operator]int{}
	var list strings.Builder
	total := 0
	for _, n := range names {
		ms, err := mutate.All(n, files[n])
		require.NoError(t, err)
		for _, m := range ms {
			counts[m.Operator]++
			total++
			fmt.Fprintf(&list, "%s %s %s\n", filepath.Dir(n), m.Operator, m.Description)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# mutants of solutions/*/*.go per operator (%d in all)\n", total)
	for _, op := range mutate.Operators() {
		fmt.Fprintf(&b, "%-24s %3d\n", op, counts[op])
	}
	b.WriteString("\n# every mutant\n" + list.String())

	golden := filepath.Join("testdata", "solutions.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), b.String(), "the mutants of the solutions changed: review, then go test -update")
}
