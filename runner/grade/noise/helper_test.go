package noise

import (
	"cmp"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelperIsSelfContained checks what lets the helper join any
// package: its clause, standard imports only, and conclabNoise names for
// everything it declares at the top level, imports included.
func TestHelperIsSelfContained(t *testing.T) {
	src := Helper("shop")
	f, err := parser.ParseFile(token.NewFileSet(), HelperFile, src, parser.ParseComments)
	require.NoError(t, err, "the helper should parse")
	assert.Equal(t, "shop", f.Name.Name)
	assert.True(t, ast.IsGenerated(f), "the helper should say it is generated")
	for _, spec := range f.Imports {
		path, _ := strconv.Unquote(spec.Path.Value)
		assert.NotContains(t, strings.Split(path, "/")[0], ".", "%s is not in the standard library", path)
		if assert.NotNil(t, spec.Name, "import %s should be named", path) {
			assert.True(t, strings.HasPrefix(spec.Name.Name, Func), "import %s is named %s", path, spec.Name.Name)
		}
	}
	var names []string
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			names = append(names, d.Name.Name)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				}
			}
		}
	}
	assert.Contains(t, names, Func, "the helper should define the function the points call")
	for _, name := range names {
		assert.True(t, name == "init" || strings.HasPrefix(name, Func), "top-level %s may clash with the package's own names", name)
	}
}

func TestNoiseConfig(t *testing.T) {
	const whole = 1 << 53
	for _, tc := range []struct {
		seed, rate string
		wantSeed   uint64
		wantCut    uint64
	}{
		{"", "", 0, whole / 2},
		{"42", "0.25", 42, whole / 4},
		{"18446744073709551615", "1", 1<<64 - 1, whole},
		{"seven", "2", 0, whole},
		{"-1", "-0.5", 0, 0},
		{"1", "NaN", 1, whole / 2},
		{"1", "often", 1, whole / 2},
	} {
		seed, cut := conclabNoiseConfig(tc.seed, tc.rate)
		assert.Equal(t, tc.wantSeed, seed, "seed %q", tc.seed)
		assert.Equal(t, tc.wantCut, cut, "rate %q", tc.rate)
	}
}

// useNoise sets the helper's configuration and restarts its count for
// one test.
func useNoise(t *testing.T, seed uint64, rate string) {
	t.Helper()
	oldSeed, oldCut, oldCalls := conclabNoiseSeed, conclabNoiseCut, conclabNoiseCalls.Load()
	t.Cleanup(func() {
		conclabNoiseSeed, conclabNoiseCut = oldSeed, oldCut
		conclabNoiseCalls.Store(oldCalls)
	})
	conclabNoiseSeed, conclabNoiseCut = conclabNoiseConfig(strconv.FormatUint(seed, 10), rate)
	conclabNoiseCalls.Store(0)
}

// decisions are the next n calls' decisions.
func decisions(n int) []conclabNoiseDecision {
	ds := make([]conclabNoiseDecision, n)
	for i := range ds {
		ds[i] = conclabNoiseNext()
	}
	return ds
}

func TestNoiseSeedRepeatsDecisions(t *testing.T) {
	useNoise(t, 7, "0.5")
	first := decisions(1000)
	conclabNoiseCalls.Store(0)
	again := decisions(1000)
	assert.Equal(t, first, again, "one seed should make the same decisions for the same calls")

	useNoise(t, 8, "0.5")
	assert.NotEqual(t, first, decisions(1000), "another seed should make other decisions")
}

// TestNoiseDecisionsUnderConcurrency shows what the seed repeats when
// goroutines race to the counter: the same decisions, in another order.
func TestNoiseDecisionsUnderConcurrency(t *testing.T) {
	useNoise(t, 7, "0.5")
	want := decisions(4000)
	conclabNoiseCalls.Store(0)
	var (
		mu  sync.Mutex
		got []conclabNoiseDecision
		wg  sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			ds := decisions(1000)
			mu.Lock()
			got = append(got, ds...)
			mu.Unlock()
		})
	}
	wg.Wait()
	order := func(a, b conclabNoiseDecision) int {
		return cmp.Or(cmp.Compare(a.sleep, b.sleep), boolOrder(a.act, b.act), boolOrder(a.yield, b.yield))
	}
	slices.SortFunc(want, order)
	slices.SortFunc(got, order)
	assert.Equal(t, want, got, "each call number should be drawn once, whatever goroutine draws it")
}

func boolOrder(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func TestNoiseDecisionShapes(t *testing.T) {
	for _, tc := range []struct {
		rate     string
		min, max int // acting calls of 10000
	}{
		{"0", 0, 0},
		{"0.1", 800, 1200},
		{"0.5", 4700, 5300},
		{"1", 10000, 10000},
	} {
		useNoise(t, 3, tc.rate)
		var acts, yields, short, long int
		for _, d := range decisions(10000) {
			if !d.act {
				assert.Zero(t, d, "a call that does not act should do nothing")
				continue
			}
			acts++
			switch {
			case d.yield:
				yields++
				assert.Zero(t, d.sleep, "a yield should not sleep")
			case d.sleep < 100*time.Microsecond:
				short++
			default:
				long++
				assert.Less(t, d.sleep, 2*time.Millisecond, "no sleep should reach 2ms")
			}
		}
		assert.GreaterOrEqual(t, acts, tc.min, "rate %s", tc.rate)
		assert.LessOrEqual(t, acts, tc.max, "rate %s", tc.rate)
		if acts == 10000 {
			assert.InDelta(t, 2500, yields, 250, "about a quarter of the acting calls should yield")
			assert.InDelta(t, 10000/32, long, 100, "about one in 32 should sleep long")
			assert.Equal(t, acts, yields+short+long)
		}
	}
}

func TestNoiseOffDoesNothing(t *testing.T) {
	useNoise(t, 0, "1")
	start := time.Now()
	for range 1000 {
		conclabNoise()
	}
	assert.Zero(t, conclabNoiseCalls.Load(), "without a seed no call should draw a decision")
	assert.Less(t, time.Since(start), 100*time.Millisecond, "without a seed calls should cost next to nothing")
}

func TestNoiseActs(t *testing.T) {
	useNoise(t, 1, "1")
	for range 100 {
		conclabNoise()
	}
	assert.Equal(t, uint64(100), conclabNoiseCalls.Load(), "with a seed every call should draw a decision")
}
