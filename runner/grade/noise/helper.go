// This file is the helper Helper returns (its package clause renamed):
// conclab adds it to the package under test with go build -overlay, so
// it imports only the standard library, under conclabNoise names, and
// every top-level name it declares starts with conclabNoise. It is also
// an ordinary file of package noise, so the compiler, vet and the tests
// check the very text that is handed out. Nothing in conclab calls it.

package noise

import (
	conclabNoiseRand "math/rand/v2"
	conclabNoiseOS "os"
	conclabNoiseRuntime "runtime"
	conclabNoiseStrconv "strconv"
	conclabNoiseAtomic "sync/atomic"
	conclabNoiseTime "time"
)

// Configuration, read once at init.
var (
	// conclabNoiseSeed is CONCLAB_NOISE_SEED; 0 (unset or not a
	// number) turns every point into a single load and compare.
	conclabNoiseSeed uint64
	// conclabNoiseCut is CONCLAB_NOISE_RATE scaled to 53 bits: a point
	// acts when the top 53 bits of its first random number are below it.
	conclabNoiseCut uint64
	// conclabNoiseCalls numbers the points' calls in the order they
	// reach it, from 1.
	conclabNoiseCalls conclabNoiseAtomic.Uint64
)

func init() {
	conclabNoiseSeed, conclabNoiseCut = conclabNoiseConfig(
		conclabNoiseOS.Getenv("CONCLAB_NOISE_SEED"),
		conclabNoiseOS.Getenv("CONCLAB_NOISE_RATE"))
}

// conclabNoiseConfig reads the seed (a decimal uint64; anything else
// is 0, off) and the rate (a probability; 0.5 if empty or not a number,
// clamped to 0..1).
func conclabNoiseConfig(seed, rate string) (uint64, uint64) {
	s, err := conclabNoiseStrconv.ParseUint(seed, 10, 64)
	if err != nil {
		s = 0
	}
	r, err := conclabNoiseStrconv.ParseFloat(rate, 64)
	if err != nil || r != r {
		r = 0.5
	}
	r = min(max(r, 0), 1)
	return s, uint64(r * (1 << 53))
}

// conclabNoise is called at the program's synchronisation points. With
// no seed it returns at once. With one, a point acts with probability
// CONCLAB_NOISE_RATE: a quarter of the time it yields the processor
// (runtime.Gosched), otherwise it sleeps, mostly 0-100µs and about one
// time in 32 for 0.1-2ms, long enough for another goroutine to run
// through a whole critical section.
//
// The seed makes the decisions reproducible per call sequence, not the
// schedule: the n-th call to reach the counter always makes the same
// decision for the same seed, but which point and which goroutine make
// the n-th call depends on the scheduler, so two runs with one seed can
// still interleave differently. Another seed gives other decisions.
func conclabNoise() {
	if conclabNoiseSeed != 0 {
		conclabNoiseAct(conclabNoiseNext())
	}
}

// conclabNoiseDecision is what one call does.
type conclabNoiseDecision struct {
	act   bool
	yield bool                      // runtime.Gosched; else sleep
	sleep conclabNoiseTime.Duration // may be 0
}

// conclabNoiseNext numbers a call and decides what it does. It is safe
// for concurrent use: the only shared state is an atomic counter.
func conclabNoiseNext() conclabNoiseDecision {
	return conclabNoiseDecide(conclabNoiseSeed, conclabNoiseCut, conclabNoiseCalls.Add(1))
}

// conclabNoiseDecide is the decision of the n-th call: a PCG seeded with
// the seed and n (spread by splitmix64, so that neighbouring calls do
// not get neighbouring streams) draws whether it acts, and how.
func conclabNoiseDecide(seed, cut, n uint64) conclabNoiseDecision {
	src := conclabNoiseRand.NewPCG(seed, conclabNoiseMix(n))
	if src.Uint64()>>11 >= cut {
		return conclabNoiseDecision{}
	}
	v := src.Uint64()
	switch {
	case v%4 == 0:
		return conclabNoiseDecision{act: true, yield: true}
	case v%32 == 1:
		return conclabNoiseDecision{act: true, sleep: 100*conclabNoiseTime.Microsecond + conclabNoiseTime.Duration((v>>8)%uint64(1900*conclabNoiseTime.Microsecond))}
	default:
		return conclabNoiseDecision{act: true, sleep: conclabNoiseTime.Duration((v >> 8) % uint64(100*conclabNoiseTime.Microsecond))}
	}
}

// conclabNoiseAct carries a decision out.
func conclabNoiseAct(d conclabNoiseDecision) {
	switch {
	case !d.act:
	case d.yield:
		conclabNoiseRuntime.Gosched()
	default:
		conclabNoiseTime.Sleep(d.sleep)
	}
}

// conclabNoiseMix is splitmix64's finaliser.
func conclabNoiseMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
