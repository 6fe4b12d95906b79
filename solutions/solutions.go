// Package solutions holds the reference solution of every exercise, one
// folder per exercise with the same folder and file names as the stub in
// ../exercises, so that a solution can replace the stub file as it is
// (the self-check does exactly that with go test -overlay).
package solutions

import "embed"

// Files holds every reference solution, e.g. "01-counter/counter.go".
//
//go:embed */*.go
var Files embed.FS
