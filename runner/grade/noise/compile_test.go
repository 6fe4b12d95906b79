package noise

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The package TestInstrumentedPackageBuilds rewrites: every kind of
// point, in code that must still work.
var noisetestFiles = map[string]string{
	"go.mod": "module noisetest\n\ngo 1.26\n",
	"bank.go": `package noisetest

import "sync"

// Account is guarded by a mutex.
type Account struct {
	mu      sync.Mutex
	balance int
}

func (a *Account) Deposit(n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance += n
}

func (a *Account) Balance() int {
	a.mu.Lock()
	b := a.balance // a comment after a point
	a.mu.Unlock()
	return b
}

// TryDeposit gives up if the account is busy.
func (a *Account) TryDeposit(n int) bool {
	if !a.mu.TryLock() {
		return false
	}
	a.balance += n; a.mu.Unlock()
	return true
}

// Cache embeds its lock.
type Cache struct {
	sync.RWMutex
	m map[string]int
}

func (c *Cache) Get(k string) (int, bool) {
	c.RLock()
	defer c.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *Cache) Put(k string, v int) {
	c.Lock()
	if c.m == nil { c.m = map[string]int{} }
	c.m[k] = v
	c.Unlock()
}
`,
	"work.go": `package noisetest

import (
	"sync"
	sa "sync/atomic"
)

// Sum adds xs up with workers goroutines.
func Sum(xs []int, workers int) int64 {
	var total sa.Int64
	var jobsTaken int64
	jobs := make(chan int)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
		loop:
			for {
				select {
				case x, ok := <-jobs:
					if !ok {
						break loop
					}
					total.Add(int64(x))
					sa.AddInt64(&jobsTaken, 1)
				case <-done:
					return
				}
			}
		}()
	}
	for _, x := range xs {
		jobs <- x
	}
	close(jobs)
	wg.Wait()
	close(done)
	if sa.LoadInt64(&jobsTaken) != int64(len(xs)) {
		panic("a job was lost")
	}
	return total.Load()
}

// Squares sends from one goroutine to another.
func Squares(n int) []int {
	out := make(chan int, 1)
	go func() {
		defer close(out)
		for i := range n {
			out <- i * i
		}
	}()
	var got []int
	for v := range out { got = append(got, v) }
	return got
}

// Parallel runs fs at once and waits for them.
func Parallel(fs ...func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(func() { f() })
	}
	wg.Wait()
}

// Gate lets goroutines wait until it opens.
type Gate struct {
	mu   sync.Mutex
	cond *sync.Cond
	open bool
	hits sa.Int32
	last sa.Value
}

func NewGate() *Gate {
	g := &Gate{}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *Gate) Wait() {
	g.mu.Lock()
	for !g.open {
		g.cond.Wait()
	}
	g.mu.Unlock()
	for old := g.hits.Load(); !g.hits.CompareAndSwap(old, old+1); old = g.hits.Load() {
	}
	g.last.Store("waited")
}

func (g *Gate) Open() {
	g.mu.Lock()
	g.open = true
	g.cond.Signal()
	g.cond.Broadcast()
	g.mu.Unlock()
	g.last.Swap("opened")
}
`,
	"bank_test.go": `package noisetest

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// TestMain checks that the points called the helper when, and only
// when, a seed was set.
func TestMain(m *testing.M) {
	code := m.Run()
	seeded := os.Getenv("CONCLAB_NOISE_SEED") != ""
	if calls := conclabNoiseCalls.Load(); seeded != (calls > 0) {
		fmt.Printf("seeded %v, but %d noise calls\n", seeded, calls)
		code = 1
	}
	os.Exit(code)
}

func TestAccount(t *testing.T) {
	var a Account
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(2)
		go func() { defer wg.Done(); a.Deposit(1) }()
		go func() {
			defer wg.Done()
			for !a.TryDeposit(1) {
			}
		}()
	}
	wg.Wait()
	if got := a.Balance(); got != 100 {
		t.Fatalf("balance %d, want 100", got)
	}
}

func TestCache(t *testing.T) {
	var c Cache
	Parallel(func() { c.Put("a", 1) }, func() { c.Put("b", 2) })
	if v, ok := c.Get("b"); !ok || v != 2 {
		t.Fatalf("Get(b) = %d, %v", v, ok)
	}
}

func TestSum(t *testing.T) {
	xs := make([]int, 200)
	for i := range xs {
		xs[i] = i
	}
	if got := Sum(xs, 4); got != 199*200/2 {
		t.Fatalf("Sum = %d", got)
	}
	if got := Squares(5); fmt.Sprint(got) != "[0 1 4 9 16]" {
		t.Fatalf("Squares = %v", got)
	}
}

func TestGate(t *testing.T) {
	g := NewGate()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(g.Wait)
	}
	g.Open()
	wg.Wait()
	if g.hits.Load() != 3 {
		t.Fatalf("hits %d", g.hits.Load())
	}
}
`,
	// An external test package cannot see the helper: it must be left
	// alone, or the build fails.
	"external_test.go": `package noisetest_test

import (
	"sync"
	"testing"

	"noisetest"
)

func TestExternal(t *testing.T) {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	if noisetest.Sum([]int{1, 2}, 1) != 3 {
		t.Fatal("1+2")
	}
}
`,
}

// TestInstrumentedPackageBuilds rewrites a small package and its tests
// through an overlay, as conclab does, and vets and tests it with and
// without noise.
func TestInstrumentedPackageBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir, scratch := t.TempDir(), t.TempDir()
	files := map[string][]byte{}
	for name, text := range noisetestFiles {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		if strings.HasSuffix(name, ".go") {
			files[path] = []byte(text)
		}
	}
	overlay, points, err := InstrumentPackage("noisetest", files)
	require.NoError(t, err)
	assert.Greater(t, points, 50, "the package should be full of points")
	assert.NotContains(t, overlay, filepath.Join(dir, "external_test.go"), "the external test package should be left alone")
	require.Contains(t, overlay, filepath.Join(dir, HelperFile))

	replace := map[string]string{}
	for path, text := range overlay {
		laid := filepath.Join(scratch, filepath.Base(path))
		require.NoError(t, os.WriteFile(laid, text, 0o644))
		replace[path] = laid
	}
	j, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	overlayJSON := filepath.Join(scratch, "overlay.json")
	require.NoError(t, os.WriteFile(overlayJSON, j, 0o644))

	run := func(env []string, args ...string) {
		t.Helper()
		cmd := exec.Command(gocmd, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		assert.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONCLAB_NOISE_") && !strings.HasPrefix(kv, "GOFLAGS=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOWORK=off", "GOPROXY=off", "GOTOOLCHAIN=local")
	run(env, "vet", "-overlay", overlayJSON, "./...")
	run(env, "test", "-count=1", "-overlay", overlayJSON, "./...")
	run(append(env, "CONCLAB_NOISE_SEED=1"), "test", "-count=1", "-overlay", overlayJSON, "./...")
}
