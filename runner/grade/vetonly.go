package grade

import (
	"context"
	"slices"
)

// markVetOnly tells vet's findings from compile errors in the packages
// whose build failed. go test prints both the same way ("# pkg", then
// file:line: message) when a package has no internal test files, as no
// exercise has, so the output alone cannot say which it was. The packages
// are built once more with vet off and no test run: those that build now
// failed only in vet. This costs a go invocation only when a build failed.
func markVetOnly(ctx context.Context, opts Options, overlay map[string]string, tmp string, pkgs []string, x *Execution) {
	var failed []string
	for _, pkg := range pkgs {
		if p := x.Packages[pkg]; p != nil && p.BuildFailed && !isVet(p.Build.Kept()) {
			failed = append(failed, pkg)
		}
	}
	if len(failed) == 0 {
		return
	}
	slices.Sort(failed)
	again := NewExecution(opts.OutputCap)
	args := []string{"-count=1", "-vet=off", "-run", "^$"}
	if err := goTest(ctx, invocation{dir: opts.Root, overlay: overlay, tmp: tmp, pkgs: failed, args: args, log: opts.Log}, again); err != nil {
		return // not known: left as build errors
	}
	for _, pkg := range failed {
		if p := again.Packages[pkg]; p != nil && !p.BuildFailed && p.Action == "pass" {
			x.Packages[pkg].VetOnly = true
		}
	}
}
