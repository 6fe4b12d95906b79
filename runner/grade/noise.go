package grade

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/conclab/conclab/runner/grade/noise"
)

// scheduleNoise runs the tests once more, opts.Noise times each, with
// yields and short seeded random delays injected at the packages' own
// synchronisation points (package noise rewrites copies of their files,
// laid over the build): a bug whose window is a few instructions wide
// shows in more runs than plain repetition gives it. What a noisy run
// finds is added to each package's result with the seed, so that the run
// can be repeated.
func scheduleNoise(ctx context.Context, opts DiagnoseOptions, pkgs []listedPackage, census map[string]string, tmp string, byPath map[string]*ExerciseResult, gopts Options) {
	seed := opts.Seed
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		seed = binary.LittleEndian.Uint64(b[:])>>1 | 1
	}
	overlay := maps.Clone(census)
	var paths []string
	for _, p := range pkgs {
		files := map[string][]byte{}
		for _, name := range append(append([]string(nil), p.GoFiles...), p.TestGoFiles...) {
			path := filepath.Join(p.Dir, name)
			if _, ok := overlay[path]; ok {
				continue
			}
			if b, err := os.ReadFile(path); err == nil {
				files[path] = b
			}
		}
		out, points, err := noise.InstrumentPackage(p.Name, files)
		if err != nil || points == 0 {
			continue
		}
		for path, src := range out {
			dst := filepath.Join(tmp, fmt.Sprintf("noise-%d-%s", len(overlay), filepath.Base(path)))
			if os.WriteFile(dst, src, 0o644) == nil {
				overlay[path] = dst
			}
		}
		paths = append(paths, p.ImportPath)
	}
	if len(paths) == 0 {
		return
	}
	args := []string{"-race", "-count=" + strconv.Itoa(opts.Noise), "-timeout", opts.Timeout.String(), "-vet=off"}
	if len(opts.CPU) > 0 {
		args = append(args, "-cpu", cpuList(opts.CPU))
	}
	env := append(slices.Clone(gopts.profileEnv()), "CONCLAB_NOISE_SEED="+strconv.FormatUint(seed, 10))
	x := NewExecution(opts.OutputCap)
	inv := invocation{dir: opts.Dir, overlay: overlay, tmp: tmp, pkgs: paths, args: args, env: env, log: opts.Log}
	if err := goTest(ctx, inv, x); err != nil {
		return
	}
	for _, path := range paths {
		p, er := x.Packages[path], byPath[path]
		if p == nil || p.BuildFailed {
			continue
		}
		noisy := &ExerciseResult{Slug: er.Slug, censusName: er.censusName}
		Finish(noisy, p, gopts)
		if noisy.Verdict == Pass || noisy.Verdict == NoTests {
			continue
		}
		how := fmt.Sprintf("with schedule noise (seed %d; rerun: --noise %d --seed %d)", seed, opts.Noise, seed)
		if noisy.Verdict.Worse(er.Verdict) {
			er.Verdict, er.Message = noisy.Verdict, noisy.Message+" ("+how+")"
		}
		er.Explanation = append(er.Explanation, how+":")
		er.Explanation = append(er.Explanation, indent(noisy.Explanation)...)
		er.Locations = sortLocations(append(er.Locations, noisy.Locations...))
		for _, f := range noisy.Findings {
			er.found(f)
		}
		er.Notes = append(er.Notes, "found "+how)
		er.Hint = 1
	}
}
