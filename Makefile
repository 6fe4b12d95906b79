# conclab: `make run` opens the workbench, `make test` runs every test.
# Only Go and gcc (for -race) are assumed; everything else is fetched here.

GO          ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Every package except the exercise workspaces (their stubs fail on
# purpose until solved) and the reference solutions (proved by selfcheck).
PKGS         = $(shell $(GO) list ./... | grep -Ev '/(exercises|solutions)/[0-9]')

.PHONY: run build install test selfcheck mutants portable lint bench clean deps tmux

# The learner's workspace: stubs, tests and statements of every exercise,
# written once by `conclab init` (git ignores it here). The menu runs in it.
WORKSPACE ?= conclab-workspace

run: build
	@test -e "$(WORKSPACE)/.conclab-workspace" || ./conclab init "$(WORKSPACE)"
	cd "$(WORKSPACE)" && "$(CURDIR)/conclab" menu --lesson 1

build:
	$(GO) build -o conclab .

# install puts conclab on PATH ($$(go env GOPATH)/bin, or GOBIN).
install:
	$(GO) install .

deps:
	$(GO) mod download

# The end-to-end tests drive the real terminal UI through tmux.
tmux:
	@command -v tmux >/dev/null 2>&1 || { \
	  echo "installing tmux for the terminal tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tmux >/dev/null; }

# One go test over many packages under -race (one build, the cache reused),
# then the lesson demos again without -race (racy demos run in-process
# there and their lost updates are asserted), then the exercise self-check.
test: deps tmux
	$(GO) mod tidy -diff
	$(GO) vet $(PKGS)
	$(GO) test -race -timeout 15m $(PKGS)
	$(GO) test -timeout 10m ./lessons/...
	$(MAKE) --no-print-directory selfcheck
	$(MAKE) --no-print-directory portable

# conclab's tests run here, on Linux; this keeps every package and test
# compiling for the other systems students use (vet type-checks, no link).
portable:
	GOOS=windows $(GO) vet ./...
	GOOS=darwin $(GO) vet ./...

# selfcheck: every reference solution passes 30 runs, every stub fails,
# every wrong solution is killed, every pass fixture passes; then a sample
# of MUTANT_SAMPLE mutants of every exercise (or of those MUTANTS_GATED
# lists), each killed in every one of 5 runs. The sample is seeded by the
# commit, so each commit tests another sample and in time every mutant;
# make mutants runs them all.
MUTANTS_GATED ?=
MUTANT_SAMPLE ?= 2
MUTANT_SEED   ?= $(shell git rev-parse HEAD 2>/dev/null)
selfcheck:
	$(GO) run ./exercises/selfcheck -mutants sample=$(MUTANT_SAMPLE) -mutant-runs 5 \
	  -mutants-of "$(MUTANTS_GATED)" -mutant-seed "$(MUTANT_SEED)"

# mutants: every mutant of every reference solution, and every wrong
# solution killed in each of 10 runs (about an hour on 2 cores).
mutants:
	$(GO) run ./exercises/selfcheck -mutants all -mutant-runs 5 -fixture-runs 10

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# bench: lesson 4's Mutex vs RWMutex, 1 to 64 goroutines, ratio per row;
# then grading every exercise (reference solutions) side by side with a
# bare go test -race -json over the same packages, warm cache, 5 runs
# each: the grading overhead ratio (target 1.10 or lower); the time to a
# deadlock verdict per deadlocking wrong solution, goroutine dumps vs the
# leak profile (target 2 s); diagnose over the bug corpus beside a bare
# go test; what schedule noise buys on the rare bugs; and a class of 30
# graded by grade --class beside each graded alone, seconds per
# submission (target ratio 1.0 or lower).
bench:
	$(GO) run ./lessons/04-rwmutex/cmd/rwbench
	$(GO) test -run '^$$' -bench GradeVsGoTest -benchtime 5x ./runner/grade
	$(GO) test -run '^$$' -bench DeadlockVerdict -benchtime 3x -timeout 30m ./runner/grade
	$(GO) test -run '^$$' -bench DiagnoseCorpus -benchtime 1x -timeout 30m ./runner/grade
	$(GO) test -run '^$$' -bench ScheduleNoise -benchtime 5x -timeout 60m ./runner/grade
	$(GO) test -run '^$$' -bench GradeClass -benchtime 1x -timeout 30m ./runner/gradebook

# clean removes what the build made here; your workspace, and go's caches
# (shared with every other project), are left alone.
clean:
	rm -f conclab
