package noise

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instrumentCases are read as before and after: each src is a file after
// its package clause (and imports of sync and sync/atomic, unless it
// starts with its own), and want is the same file as Instrument returns
// it. Every case is also checked for tokens that left their line.
var instrumentCases = []struct {
	name   string
	points int
	src    string
	want   string
}{
	{
		name:   "package-doc-example",
		points: 4,
		src: `func (c *Counter) Inc() {
	c.mu.Lock() // one at a time
	c.n++
	c.mu.Unlock()
}
`,
		want: `func (c *Counter) Inc() { conclabNoise();
	c.mu.Lock(); conclabNoise() // one at a time
	c.n++; conclabNoise()
	c.mu.Unlock(); conclabNoise()
}
`,
	},
	{
		name:   "mutex",
		points: 7,
		src: `func f(mu *sync.Mutex, rw *sync.RWMutex) {
	mu.Lock() // take it
	n++
	mu.Unlock() /* done */
	rw.RLock()
	_ = n
	rw.RUnlock()
}
`,
		want: `func f(mu *sync.Mutex, rw *sync.RWMutex) { conclabNoise();
	mu.Lock(); conclabNoise() // take it
	n++; conclabNoise()
	mu.Unlock(); conclabNoise() /* done */
	rw.RLock(); conclabNoise()
	_ = n; conclabNoise()
	rw.RUnlock(); conclabNoise()
}
`,
	},
	{
		name:   "one-line-block",
		points: 6,
		src: `func f(mu *sync.Mutex, x bool) {
	if x { mu.Unlock() }
	mu.Lock(); n++; mu.Unlock()
}
`,
		want: `func f(mu *sync.Mutex, x bool) {
	if x { conclabNoise(); mu.Unlock(); conclabNoise() }; conclabNoise()
	mu.Lock(); conclabNoise(); n++; conclabNoise(); mu.Unlock(); conclabNoise()
}
`,
	},
	{
		name:   "embedded-and-field",
		points: 6,
		src: `func (c *counter) inc() {
	c.Lock()
	c.inner.mu.Lock()
	c.n++
	c.inner.mu.Unlock()
	c.Unlock()
}
`,
		want: `func (c *counter) inc() { conclabNoise();
	c.Lock(); conclabNoise()
	c.inner.mu.Lock(); conclabNoise()
	c.n++; conclabNoise()
	c.inner.mu.Unlock(); conclabNoise()
	c.Unlock(); conclabNoise()
}
`,
	},
	{
		name:   "channels",
		points: 8,
		src: `func f(ch chan int, res chan result) (total int) {
	ch <- 1
	<-ch
	v := <-ch
	v, ok = <-ch
	total += <-ch
	res <- result{
		v: v,
	}
	var w = <-ch
	return <-ch + w
}
`,
		want: `func f(ch chan int, res chan result) (total int) { conclabNoise();
	ch <- 1; conclabNoise()
	<-ch; conclabNoise()
	v := <-ch; conclabNoise()
	v, ok = <-ch; conclabNoise()
	total += <-ch; conclabNoise()
	res <- result{
		v: v,
	}; conclabNoise()
	var w = <-ch; conclabNoise()
	return <-ch + w
}
`,
	},
	{
		name:   "select",
		points: 5,
		src: `func f(ch, out chan int, done chan struct{}) {
	for {
		select {
		case v := <-ch:
			out <- v
		case out <- 0:
		case <-done:
			return
		default:
		}
	}
}
`,
		want: `func f(ch, out chan int, done chan struct{}) {
	for { conclabNoise();
		select {
		case v := <-ch: conclabNoise();
			out <- v; conclabNoise()
		case out <- 0: conclabNoise();
		case <-done: conclabNoise();
			return
		default:
		}
	}
}
`,
	},
	{
		name:   "go",
		points: 8,
		src: `func f(ch chan int) {
	go worker(ch, <-ch)
	go func() {
		ch <- 1
	}()
	go func() {}()
	go func(n int) { work(n) }(1)
}
`,
		want: `func f(ch chan int) { conclabNoise();
	go worker(ch, <-ch); conclabNoise()
	go func() { conclabNoise();
		ch <- 1; conclabNoise()
	}(); conclabNoise()
	go func() { conclabNoise();}(); conclabNoise()
	go func(n int) { conclabNoise(); work(n) }(1)
}
`,
	},
	{
		name:   "defer",
		points: 2,
		src: `func f(mu *sync.Mutex, wg *sync.WaitGroup) {
	defer wg.Done()
	mu.Lock()
	defer mu.Unlock()
	defer func() {
		mu.Unlock()
	}()
}
`,
		want: `func f(mu *sync.Mutex, wg *sync.WaitGroup) {
	defer wg.Done(); conclabNoise()
	mu.Lock(); conclabNoise()
	defer mu.Unlock()
	defer func() {
		mu.Unlock()
	}()
}
`,
	},
	{
		name:   "labels",
		points: 4,
		src: `func f(ch chan int, n *atomic.Int32) {
	x := 0
Loop:
	for {
		select {
		case <-ch:
			break Loop
		}
	}
	x++; Again: ch <- x
	if n.Load() > 0 {
		goto Again
	}
}
`,
		want: `func f(ch chan int, n *atomic.Int32) {
	x := 0
Loop:
	for { conclabNoise();
		select {
		case <-ch: conclabNoise();
			break Loop
		}
	}
	x++; conclabNoise(); Again: ch <- x; conclabNoise()
	if n.Load() > 0 {
		goto Again
	}
}
`,
	},
	{
		name:   "waitgroup-cond",
		points: 12,
		src: `func f(wg *sync.WaitGroup, c *sync.Cond) {
	wg.Add(2)
	wg.Go(func() { c.Signal() })
	c.L.Lock()
	for !ready {
		c.Wait()
	}
	c.Broadcast()
	c.L.Unlock()
	wg.Wait()
}
`,
		want: `func f(wg *sync.WaitGroup, c *sync.Cond) { conclabNoise();
	wg.Add(2); conclabNoise()
	wg.Go(func() { conclabNoise(); c.Signal(); conclabNoise() }); conclabNoise()
	c.L.Lock(); conclabNoise()
	for !ready { conclabNoise();
		c.Wait(); conclabNoise()
	}; conclabNoise()
	c.Broadcast(); conclabNoise()
	c.L.Unlock(); conclabNoise()
	wg.Wait(); conclabNoise()
}
`,
	},
	{
		name:   "atomics",
		points: 8,
		src: `func f(n *atomic.Int64, p *int64, m *sync.Map) {
	atomic.AddInt64(p, 1)
	v := atomic.LoadInt64(p)
	n.Store(v)
	old := n.Swap(0)
	if n.CompareAndSwap(old, 1) {
		m.Store("k", old)
	}
	n.Add(1)
}
`,
		want: `func f(n *atomic.Int64, p *int64, m *sync.Map) { conclabNoise();
	atomic.AddInt64(p, 1); conclabNoise()
	v := atomic.LoadInt64(p); conclabNoise()
	n.Store(v); conclabNoise()
	old := n.Swap(0); conclabNoise()
	if n.CompareAndSwap(old, 1) { conclabNoise();
		m.Store("k", old)
	}; conclabNoise()
	n.Add(1); conclabNoise()
}
`,
	},
	{
		name:   "renamed-atomic",
		points: 1,
		src: `import sa "sync/atomic"

func f(p *int32) {
	sa.StoreInt32(p, 1)
}
`,
		want: `import sa "sync/atomic"

func f(p *int32) { conclabNoise();
	sa.StoreInt32(p, 1)
}
`,
	},
	{
		name:   "close",
		points: 1,
		src: `func f(ch chan int) {
	close(ch)
}
`,
		want: `func f(ch chan int) { conclabNoise();
	close(ch)
}
`,
	},
	{
		name:   "packages-are-not-receivers",
		points: 3,
		src: `import (
	"example.com/go-pool"
	"example.com/queue/v2"
	"example.com/work"
	"gopkg.in/yaml.v3"
	y "example.com/why"
)

func f(w *worker) {
	work.Done()
	queue.Add(1)
	yaml.Wait()
	y.Lock()
	pool.Go(task)
	w.Done()
	time.Now().Add(time.Second)
}
`,
		want: `import (
	"example.com/go-pool"
	"example.com/queue/v2"
	"example.com/work"
	"gopkg.in/yaml.v3"
	y "example.com/why"
)

func f(w *worker) {
	work.Done()
	queue.Add(1)
	yaml.Wait()
	y.Lock()
	pool.Go(task); conclabNoise()
	w.Done(); conclabNoise()
	time.Now().Add(time.Second); conclabNoise()
}
`,
	},
	{
		name:   "headers",
		points: 9,
		src: `func f(ch chan int, n *atomic.Int32, mu *sync.Mutex) {
	if v, ok := <-ch; ok {
		use(v)
	}
	switch x := n.Load(); x {
	case 1:
	}
	switch {
	case mu.TryLock():
		mu.Unlock()
	}
	if x > 0 {
	} else if n.Load() > 0 {
	}
	for i := 0; n.Load() < 10; i++ {
		use(i)
	}
	for range <-chs {
	}
	for v := range ch {
		use(v)
	}
}
`,
		want: `func f(ch chan int, n *atomic.Int32, mu *sync.Mutex) { conclabNoise();
	if v, ok := <-ch; ok {
		use(v)
	}; conclabNoise()
	switch x := n.Load(); x {
	case 1:
	}; conclabNoise()
	switch {
	case mu.TryLock(): conclabNoise();
		mu.Unlock(); conclabNoise()
	}; conclabNoise()
	if x > 0 {
	} else if n.Load() > 0 {
	}; conclabNoise()
	for i := 0; n.Load() < 10; i++ { conclabNoise();
		use(i)
	}; conclabNoise()
	for range <-chs {
	}
	for v := range ch {
		use(v)
	}
}
`,
	},
	{
		name:   "case-clauses",
		points: 4,
		src: `func f(k int, ch chan int) {
	switch k {
	case 1: ch <- 1; fallthrough
	case 2:
		ch <- 2
	}
}
`,
		want: `func f(k int, ch chan int) {
	switch k {
	case 1: conclabNoise(); ch <- 1; conclabNoise(); fallthrough
	case 2: conclabNoise();
		ch <- 2; conclabNoise()
	}
}
`,
	},
	{
		name:   "func-literals",
		points: 2,
		src: `var global = func(mu *sync.Mutex) { mu.Lock() }

func f(mu *sync.Mutex) {
	g := func() {
		mu.Lock()
	}
	g()
}
`,
		want: `var global = func(mu *sync.Mutex) { mu.Lock() }

func f(mu *sync.Mutex) {
	g := func() { conclabNoise();
		mu.Lock(); conclabNoise()
	}
	g()
}
`,
	},
	{
		name:   "nested-blocks",
		points: 4,
		src: `func f(mu *sync.Mutex, xs []int) {
	for _, x := range xs {
		if x > 0 {
			{
				mu.Lock()
				sum += x
				mu.Unlock()
			}
		}
	}
}
`,
		want: `func f(mu *sync.Mutex, xs []int) {
	for _, x := range xs {
		if x > 0 {
			{ conclabNoise();
				mu.Lock(); conclabNoise()
				sum += x; conclabNoise()
				mu.Unlock(); conclabNoise()
			}
		}
	}
}
`,
	},
	{
		name:   "line-directives",
		points: 2,
		src: `func f(mu *sync.Mutex) {
//line x.go:5
	mu.Lock()
//line x.go:5
	n++
}
`,
		want: `func f(mu *sync.Mutex) { conclabNoise();
//line x.go:5
	mu.Lock(); conclabNoise()
//line x.go:5
	n++
}
`,
	},
	{
		name:   "empty-statements",
		points: 3,
		src: `func f(mu *sync.Mutex) {
	;
L: ; mu.Lock()
	mu.Unlock();
}
`,
		want: `func f(mu *sync.Mutex) {
	;
L: ; conclabNoise(); mu.Lock(); conclabNoise()
	mu.Unlock(); conclabNoise();
}
`,
	},
	{
		name:   "nothing",
		points: 0,
		src: `func f(xs []int) int {
	return len(xs) // no synchronisation
}
`,
		want: `func f(xs []int) int {
	return len(xs) // no synchronisation
}
`,
	},
}

// caseFile completes a case's source into a file.
func caseFile(s string) string {
	if strings.HasPrefix(s, "import") {
		return "package p\n\n" + s
	}
	return "package p\n\nimport (\n\t\"sync\"\n\t\"sync/atomic\"\n)\n\n" + s
}

func TestInstrument(t *testing.T) {
	for _, tc := range instrumentCases {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(caseFile(tc.src))
			out, points, err := Instrument(src)
			require.NoError(t, err)
			assert.Equal(t, caseFile(tc.want), string(out), "the rewritten file")
			assert.Equal(t, tc.points, points, "points should count the calls inserted")
			assertSameTokens(t, src, out, points)
		})
	}
}

func TestInstrumentWithoutPointsReturnsSource(t *testing.T) {
	src := []byte("package p\n\nfunc f() int { return 1 }\n")
	out, points, err := Instrument(src)
	require.NoError(t, err)
	assert.Zero(t, points)
	assert.Same(t, &src[0], &out[0], "a file without points should come back as it is")
}

func TestInstrumentSyntaxError(t *testing.T) {
	_, _, err := Instrument([]byte("package p\n\nfunc f() {\n\tmu.Lock(\n}\n"))
	assert.ErrorContains(t, err, "5:1:", "the error should say where the source is wrong")
}

func TestInstrumentPackage(t *testing.T) {
	dir := filepath.FromSlash("/src/shop")
	path := func(name string) string { return filepath.Join(dir, name) }
	locked := "package shop\n\nfunc (s *S) f() {\n\ts.mu.Lock()\n}\n"
	files := map[string][]byte{
		path("b.go"):             []byte(locked),
		path("a.go"):             []byte("package shop\n\nfunc g() {}\n"),
		path("shop_test.go"):     []byte(strings.Replace(locked, "(s *S) f", "(s *S) h", 1)),
		path("external_test.go"): []byte(strings.Replace(locked, "shop", "shop_test", 1)),
	}
	overlay, points, err := InstrumentPackage("shop", files)
	require.NoError(t, err)
	assert.Equal(t, 4, points, "two points in b.go and two in shop_test.go")
	require.Len(t, overlay, 3, "b.go, shop_test.go and the helper; a.go has no points and external_test.go cannot see the helper")
	assert.Contains(t, string(overlay[path("b.go")]), "s.mu.Lock(); "+Func+"()")
	assert.Contains(t, string(overlay[path("shop_test.go")]), "s.mu.Lock(); "+Func+"()")
	assert.Equal(t, string(Helper("shop")), string(overlay[path(HelperFile)]),
		"the helper goes next to the first file, for package shop")
}

func TestInstrumentPackageWithoutPoints(t *testing.T) {
	overlay, points, err := InstrumentPackage("p", map[string][]byte{
		"/p/a.go": []byte("package p\n"),
	})
	require.NoError(t, err)
	assert.Zero(t, points)
	assert.Empty(t, overlay, "no points need no helper")
}

func TestInstrumentPackageErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"other package", map[string][]byte{"/p/a.go": []byte("package q\n")}, "/p/a.go: package q, not p"},
		{"syntax", map[string][]byte{"/p/a.go": []byte("package p\nfunc {")}, "/p/a.go:2:"},
		{"helper taken", map[string][]byte{"/p/" + HelperFile: []byte("package p\n")}, "already has a file named " + HelperFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := InstrumentPackage("p", tc.files)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
