package runner

import (
	"context"
	"flag"
	"regexp"
	"strconv"
	"strings"
)

func init() {
	register(Command{
		Name:    "ci",
		Args:    "github|gitlab [--version vX.Y.Z] [--class DIR --shards N]",
		Summary: "print a CI workflow that grades with conclab (a student's repository, or a class in shards)",
		Order:   62,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			ver := fs.String("version", "", "the conclab release the workflow installs (default: this binary's)")
			class := fs.String("class", "", "grade a class: the folder of submissions in the repository")
			shards := fs.Int("shards", 4, "with --class: jobs the class is split over")
			return func(ctx context.Context, app *App, args []string) error {
				if len(args) != 1 || args[0] != "github" && args[0] != "gitlab" {
					return Usagef("ci takes the CI system; valid: github, gitlab")
				}
				v := *ver
				if v == "" {
					v = version()
				}
				if !semver.MatchString(v) {
					return Usagef("the workflow installs a pinned release: this conclab is %q, give --version vX.Y.Z", v)
				}
				if *shards < 1 || *shards > 256 {
					return Usagef("--shards %d: want 1 to 256", *shards)
				}
				if *class != "" && !safePath.MatchString(*class) {
					return Usagef("--class %q: want a relative path of letters, digits, - _ . and /", *class)
				}
				app.Printf("%s", CIWorkflow(args[0], v, *class, *shards))
				return nil
			}
		},
	})
}

var (
	semver = regexp.MustCompile(`^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)
	// safePath: a folder name that needs no quoting in YAML or a shell.
	safePath = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_./-]*$`)
)

// CIWorkflow is the workflow conclab ci prints: for system (github or
// gitlab), installing conclab at version; grading the repository as one
// submission, or, with class, the class folder in shards jobs.
func CIWorkflow(system, version, class string, shards int) string {
	var t string
	switch {
	case system == "github" && class == "":
		t = githubStudent
	case system == "github":
		t = githubClass
	case class == "":
		t = gitlabStudent
	default:
		t = gitlabClass
	}
	var list []string
	for i := 1; i <= shards; i++ {
		list = append(list, strconv.Itoa(i))
	}
	return strings.NewReplacer("@VERSION@", version, "@CLASS@", class,
		"@SHARDS@", strconv.Itoa(shards), "@SHARDLIST@", strings.Join(list, ", "),
		"@QSHARDLIST@", `"`+strings.Join(list, `", "`)+`"`).Replace(t)
}

// The grader is installed with go install at a pinned release, in a
// folder outside the checkout: never built from the repository graded,
// whose go.mod and files a student controls.
const githubStudent = `# conclab: grade this repository's exercises on every push.
# Written by conclab ci github; the grader is conclab @VERSION@.
name: conclab
on:
  push:
  pull_request:
permissions:
  contents: read
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: stable
          cache: false
      - name: Cache Go modules and the build cache
        uses: actions/cache@v4
        with:
          path: |
            ~/go/pkg/mod
            ~/.cache/go-build
          key: conclab-@VERSION@-${{ runner.os }}-${{ github.sha }}
          restore-keys: conclab-@VERSION@-${{ runner.os }}-
      - name: Install the grader (a pinned release, never this repository's code)
        working-directory: ${{ runner.temp }}
        run: go install github.com/conclab/conclab@@VERSION@
      - name: Grade
        id: grade
        continue-on-error: true
        run: conclab grade --dir . --format json --out conclab-report.json
      - name: Report
        if: always() && hashFiles('conclab-report.json') != ''
        run: |
          conclab grade --from conclab-report.json --format junit --out conclab-junit.xml
          conclab grade --from conclab-report.json --format markdown >> "$GITHUB_STEP_SUMMARY"
          conclab grade --from conclab-report.json --format github
      - name: Upload the JUnit report
        if: always() && hashFiles('conclab-junit.xml') != ''
        uses: actions/upload-artifact@v4
        with:
          name: conclab-junit
          path: conclab-junit.xml
      - name: Fail when an exercise failed
        if: steps.grade.outcome == 'failure'
        run: exit 1
`

const githubClass = `# conclab: grade the class in @CLASS@ in @SHARDS@ parallel jobs, then
# merge their gradebooks into one (gradebook.csv, an artifact).
# Written by conclab ci github --class; the grader is conclab @VERSION@.
name: conclab class
on:
  workflow_dispatch:
permissions:
  contents: read
jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 120
    strategy:
      fail-fast: false
      matrix:
        shard: [@SHARDLIST@]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with:
          go-version: stable
          cache: false
      - name: Cache Go modules and the build cache
        uses: actions/cache@v4
        with:
          path: |
            ~/go/pkg/mod
            ~/.cache/go-build
          key: conclab-@VERSION@-${{ runner.os }}-shard-${{ matrix.shard }}-${{ github.sha }}
          restore-keys: conclab-@VERSION@-${{ runner.os }}-
      - name: Install the grader (a pinned release)
        working-directory: ${{ runner.temp }}
        run: go install github.com/conclab/conclab@@VERSION@
      - name: Grade shard ${{ matrix.shard }} of @SHARDS@
        run: conclab grade --class @CLASS@ --shard ${{ matrix.shard }}/@SHARDS@ --format json --out gradebook-${{ matrix.shard }}.json
      - uses: actions/upload-artifact@v4
        with:
          name: gradebook-${{ matrix.shard }}
          path: gradebook-${{ matrix.shard }}.json
  merge:
    needs: grade
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: stable
      - name: Install the grader (a pinned release)
        run: go install github.com/conclab/conclab@@VERSION@
      - uses: actions/download-artifact@v4
        with:
          pattern: gradebook-*
          merge-multiple: true
      - name: Merge the shards
        run: |
          conclab gradebook merge gradebook-*.json --out gradebook.csv >> "$GITHUB_STEP_SUMMARY"
          conclab gradebook merge gradebook-*.json --format json --out gradebook.json
      - uses: actions/upload-artifact@v4
        with:
          name: gradebook
          path: |
            gradebook.csv
            gradebook.json
`

const gitlabStudent = `# conclab: grade this repository's exercises on every push.
# Written by conclab ci gitlab; the grader is conclab @VERSION@.
conclab:
  image: golang:latest
  variables:
    GOMODCACHE: $CI_PROJECT_DIR/.cache/go-mod
    GOCACHE: $CI_PROJECT_DIR/.cache/go-build
    GOBIN: /usr/local/conclab/bin
  cache:
    key: conclab-@VERSION@
    paths:
      - .cache/go-mod
      - .cache/go-build
  before_script:
    # A pinned release, installed outside the checkout: never this
    # repository's code.
    - (cd / && go install github.com/conclab/conclab@@VERSION@)
  script:
    - $GOBIN/conclab grade --dir . --format json --out conclab-report.json || status=$?
    - $GOBIN/conclab grade --from conclab-report.json --format junit --out conclab-junit.xml
    - $GOBIN/conclab grade --from conclab-report.json --format text
    - exit ${status:-0}
  artifacts:
    when: always
    paths:
      - conclab-report.json
    reports:
      junit: conclab-junit.xml
`

const gitlabClass = `# conclab: grade the class in @CLASS@ in @SHARDS@ parallel jobs, then
# merge their gradebooks into one (gradebook.csv, an artifact).
# Written by conclab ci gitlab --class; the grader is conclab @VERSION@.
stages:
  - grade
  - merge
variables:
  GOMODCACHE: $CI_PROJECT_DIR/.cache/go-mod
  GOCACHE: $CI_PROJECT_DIR/.cache/go-build
  GOBIN: /usr/local/conclab/bin
default:
  image: golang:latest
  before_script:
    - (cd / && go install github.com/conclab/conclab@@VERSION@)
grade:
  stage: grade
  parallel:
    matrix:
      - SHARD: [@QSHARDLIST@]
  cache:
    key: conclab-@VERSION@-$SHARD
    paths:
      - .cache/go-mod
      - .cache/go-build
  script:
    - $GOBIN/conclab grade --class @CLASS@ --shard $SHARD/@SHARDS@ --format json --out gradebook-$SHARD.json
  artifacts:
    paths:
      - gradebook-$SHARD.json
merge:
  stage: merge
  script:
    - $GOBIN/conclab gradebook merge gradebook-*.json --out gradebook.csv
    - $GOBIN/conclab gradebook merge gradebook-*.json --format json --out gradebook.json
  artifacts:
    paths:
      - gradebook.csv
      - gradebook.json
`
