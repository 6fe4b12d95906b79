package grade

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/conclab/conclab/lessons/traceback"
)

// explain fills in er's explanation and locations from what go test
// printed, pointing at the learner's own lines: every finding, side by
// side (a run can race, hang and leak at once); the verdict is the most
// severe of them.
func explain(er *ExerciseResult, opts Options) {
	if er.Verdict == Pass {
		return
	}
	src := sources{files: er.Files, own: opts.Own, root: opts.Root, aliases: opts.aliases, seen: map[string]bool{}}
	switch er.Verdict {
	case BuildError, VetError:
		explainBuild(er, src)
	default:
		for _, t := range er.Tests {
			if t.Verdict == Pass {
				continue
			}
			lines, locs := er.explainFindings(t.Output, src)
			t.Locations = locs
			er.Explanation = append(er.Explanation, prefixFirst(t.Name+": ", lines)...)
			er.Locations = append(er.Locations, locs...)
		}
		// What no test printed: a fatal error or goleak's report after
		// the tests, in the package's own output.
		lines, locs := er.explainFindings(er.packageOutput, src)
		er.Explanation = append(er.Explanation, lines...)
		er.Locations = append(er.Locations, locs...)
		// A test's own deadline, unlike go test's -timeout, prints no
		// goroutines: the census, taken after the tests, shows who is
		// still stuck and where.
		for _, part := range []struct{ marker, intro string }{
			{censusLeaked, "after the tests, goroutines that can never wake (proven by the runtime's goroutine leak profile):"},
			{censusMarker, "after the tests, goroutines of your code still running (not proven stuck: a timer, a ticker or a loop may still wake them; goleak would report them too):"},
		} {
			text := section(er.census, part.marker, censusLeaked, censusMarker, censusDone)
			if text == "" {
				continue
			}
			lines, locs := explainBlocked(text, src, true)
			if len(lines) > 0 {
				er.found(FindingLeak)
				er.Explanation = append(er.Explanation, part.intro)
				for _, l := range lines {
					er.Explanation = append(er.Explanation, "  "+l)
				}
				er.Locations = append(er.Locations, locs...)
			}
		}
	}
	er.Locations = sortLocations(er.Locations)
	er.Hint = 1
}

// section is the text after the first start marker in text, up to the
// next of the ends (or the end of text); "" when start is not there.
func section(text, start string, ends ...string) string {
	_, rest, ok := strings.Cut(text, start)
	if !ok {
		return ""
	}
	if _, after, ok := strings.Cut(rest, "\n"); ok {
		rest = after // the marker's own line
	}
	cut := len(rest)
	for _, e := range ends {
		if i := strings.Index(rest, e); i >= 0 && i < cut {
			cut = i
		}
	}
	return rest[:cut]
}

// explainFindings explains everything a test's output shows: data races,
// the watchdog's proof of a deadlock or a timeout's goroutine dump, and a
// panic or fatal error.
func (er *ExerciseResult) explainFindings(out string, src sources) ([]string, []Location) {
	var lines []string
	var locs []Location
	add := func(kind string, l []string, lc []Location) {
		if len(l) > 0 && kind != "" {
			er.found(kind)
		}
		lines = append(lines, l...)
		locs = append(locs, lc...)
	}
	if strings.Contains(out, "WARNING: DATA RACE") {
		l, lc := explainRaces(out, src)
		add(FindingRace, l, lc)
	}
	switch {
	case strings.Contains(out, watchdogSpin):
		if l, lc := explainGoroutines(traceback.ParseDump(section(out, watchdogSpin, watchdogEnd)), src, false); len(l) > 0 {
			add(FindingTimeout, append([]string{"livelock, proven by conclab's watchdog: these goroutines kept running, without ever waiting, while the test waited for them:"}, indent(l)...), lc)
		}
	case strings.Contains(out, watchdogStall):
		if l, lc := explainGoroutines(traceback.ParseDump(section(out, watchdogStall, watchdogEnd)), src, false); len(l) > 0 {
			add(FindingDeadlock, append([]string{"deadlock, proven by conclab's watchdog: the test's synctest bubble made no progress, these goroutines waiting:"}, indent(l)...), lc)
		}
	case strings.Contains(out, watchdogProof):
		stuck, earlier := splitProof(traceback.ParseDump(section(out, watchdogProof, watchdogEnd)))
		if l, lc := explainGoroutines(stuck, src, false); len(l) > 0 {
			add(FindingDeadlock, append([]string{"deadlock, proven by the runtime's goroutine leak profile: nothing running can ever wake these goroutines:"}, indent(l)...), lc)
		}
		if l, lc := explainGoroutines(earlier, src, true); len(l) > 0 {
			add(FindingLeak, append([]string{"also stuck for ever, left behind by an earlier test (a leak):"}, indent(l)...), lc)
		}
	case strings.Contains(out, "panic: test timed out"), strings.Contains(out, "all goroutines are asleep"):
		if l, lc := explainBlocked(out, src, false); len(l) > 0 {
			kind := FindingTimeout
			if strings.Contains(strings.Join(l, "\n"), " blocked in ") {
				kind = FindingDeadlock
			}
			add(kind, append([]string{"timed out; the goroutine dump shows, in your code:"}, indent(l)...), lc)
		}
	case strings.Contains(out, "panic: "), strings.Contains(out, "fatal error: "):
		l, lc := explainPanic(out, src)
		add(FindingPanic, l, lc)
	}
	if strings.Contains(out, "found unexpected goroutines") {
		l, lc := explainBlocked(out, src, true)
		add(FindingLeak, l, lc)
	}
	return lines, locs
}

// The kinds of finding an ExerciseResult lists.
const (
	FindingRace      = "race"
	FindingDeadlock  = "deadlock"
	FindingLeak      = "leak"
	FindingPanic     = "panic"
	FindingTimeout   = "timeout"
	FindingLockOrder = "lock-order inversion"
	FindingRecursive = "recursive locking"
	FindingLockHeld  = "lock held too long"
)

// found records that er's explanation holds a finding of kind.
func (er *ExerciseResult) found(kind string) {
	if !slices.Contains(er.Findings, kind) {
		er.Findings = append(er.Findings, kind)
	}
}

// splitProof splits the goroutines of the watchdog's proof into those of
// the stuck tests (a test's own goroutine and the goroutines it started,
// and theirs) and those left behind by tests that already returned.
func splitProof(gs []traceback.Goroutine) (stuck, earlier []traceback.Goroutine) {
	mine := map[int]bool{}
	for _, g := range gs {
		for _, f := range g.Frames {
			if f.Func == "testing.tRunner" {
				mine[g.ID] = true
			}
		}
	}
	for grew := true; grew; {
		grew = false
		for _, g := range gs {
			if !mine[g.ID] && mine[g.CreatedByGoroutine] {
				mine[g.ID], grew = true, true
			}
		}
	}
	for _, g := range gs {
		if mine[g.ID] {
			stuck = append(stuck, g)
		} else {
			earlier = append(earlier, g)
		}
	}
	return stuck, earlier
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

func prefixFirst(prefix string, lines []string) []string {
	if len(lines) == 0 {
		return nil
	}
	return append([]string{prefix + lines[0]}, lines[1:]...)
}

// sources maps the file paths in compiler output and stack traces to the
// learner's real files.
type sources struct {
	files map[string]string // path as built -> learner's real file
	own   func(string) bool // other files whose lines count as the learner's
	root  string
	// aliases maps the grader's copies to the paths they stand for.
	aliases map[string]string
	seen    map[string]bool // race pairs already explained
}

// learner returns the learner's real file for a path as go printed it.
func (s sources) learner(p string) (string, bool) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.root, p)
	}
	p = filepath.Clean(p)
	if target, ok := s.aliases[p]; ok {
		p = target
	}
	if real, ok := s.files[p]; ok {
		return real, true
	}
	// The compiler names a file laid over the build by -overlay by its
	// real path, the learner's own file in the submission.
	for _, real := range s.files {
		if real == p {
			return real, true
		}
	}
	if s.own != nil && s.own(p) {
		return p, true
	}
	return "", false
}

// readFile reads a file as go printed its path: the learner's real file
// for the grader's copies, else the file itself.
func (s sources) readFile(p string) ([]byte, error) {
	if real, ok := s.learner(p); ok {
		p = real
	}
	return os.ReadFile(p)
}

// location builds a Location for line n of the learner's file real, with
// the line and its neighbours.
func location(real string, n int, what string) Location {
	return Location{File: displayPath(real), Line: n, What: what, Code: codeAround(real, n)}
}

// displayPath is the file as the learner knows it: relative to the
// working folder when it is below it.
func displayPath(real string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, real); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(real)
}

// codeAround returns lines n-1..n+1 of file, the middle one marked.
func codeAround(file string, n int) []string {
	return traceback.SourceLines(file, n, 1)
}

var diagnostic = regexp.MustCompile(`(?m)^(?:vet: )?(\S+\.go):(\d+)(?::\d+)?: (.*)$`)

// explainBuild points at the learner's lines named by compiler or vet
// errors.
func explainBuild(er *ExerciseResult, src sources) {
	kind := "compile error"
	if er.Verdict == VetError {
		kind = "go vet"
	}
	for _, m := range diagnostic.FindAllStringSubmatch(er.Output, -1) {
		n, _ := strconv.Atoi(m[2])
		real, ok := src.learner(m[1])
		if !ok {
			// The error is in a file that is not the learner's (a
			// canonical test failing to compile against a changed API).
			file := m[1]
			if target, ok := src.aliases[file]; ok {
				file = target // the grader's copy of a canonical file
			}
			er.Explanation = append(er.Explanation, fmt.Sprintf("%s: %s:%s: %s", kind, filepath.Base(file), m[2], m[3]))
			continue
		}
		loc := location(real, n, kind+": "+m[3])
		er.Locations = append(er.Locations, loc)
		er.Explanation = append(er.Explanation, fmt.Sprintf("%s:%d: %s", loc.File, n, m[3]))
	}
}

// frameAt is the first frame of frames in the learner's files, else the
// first frame outside Go's own code.
func (s sources) frameAt(frames []traceback.Frame) (traceback.Frame, bool) {
	if f, ok := traceback.UserFrame(frames, func(file string) bool { _, ok := s.learner(file); return ok }); ok {
		return f, true
	}
	return traceback.UserFrame(frames, nil)
}

// loc is a Location for f if f is in the learner's files.
func (s sources) loc(f traceback.Frame, what string) (Location, bool) {
	real, ok := s.learner(f.File)
	if !ok {
		return Location{}, false
	}
	return location(real, f.Line, what), true
}

// funcName is a function as the learner calls it: without its import
// path, and with an exercise folder's number dropped, so that
// ".../exercises/01-counter.(*Counter).Inc" reads "counter.(*Counter).Inc"
// (folder NN-slug holds package slug; Go names the function after the
// folder).
func funcName(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	return numberedFolder.ReplaceAllString(fn, "")
}

var numberedFolder = regexp.MustCompile(`^[0-9]+-`)

// goroutineName is a goroutine as the lessons name it too.
func goroutineName(id int) string { return traceback.Who(id) }

// explainRaces describes each distinct pair of conflicting accesses once:
// who read or wrote where, and where each goroutine was started.
func explainRaces(out string, src sources) ([]string, []Location) {
	var lines []string
	var locs []Location
	seen := src.seen
	for _, r := range traceback.Dedup(traceback.ParseRaces(out)) {
		cur, ok1 := src.frameAt(r.Current.Frames)
		prev, ok2 := src.frameAt(r.Previous.Frames)
		if ok1 != ok2 && len(r.Current.Frames) > 0 && len(r.Previous.Frames) > 0 {
			// One side is all Go's own code: most often package
			// testing, when a goroutine uses t after its test ended.
			lines, locs = raceWithStd(r, cur, prev, ok1, src, lines, locs)
			continue
		}
		if !ok1 || !ok2 {
			continue
		}
		a, b := cur.Short(), prev.Short()
		if b < a {
			a, b = b, a
		}
		if seen[a+" "+b] {
			continue
		}
		seen[a+" "+b] = true
		// Told as the lessons tell it: the variable, both accesses,
		// what can go wrong.
		sum := traceback.SummarizeRace(r, cur, prev, src.readFile)
		in := funcName(cur.Func)
		if other := funcName(prev.Func); other != in {
			in += " and " + other
		}
		lines = append(lines, fmt.Sprintf("data race on %s: %s (in %s), with nothing ordering the two",
			sum.Name, sum.Accesses, in),
			"  "+sum.Consequence)
		for _, side := range []struct {
			a       traceback.Access
			created []traceback.Frame
		}{{r.Current, r.CurrentCreated}, {r.Previous, r.PreviousCreated}} {
			if f, ok := src.frameAt(side.created); ok {
				lines = append(lines, fmt.Sprintf("  %s was started at %s (%s)", goroutineName(side.a.Goroutine), f.Short(), funcName(f.Func)))
			}
		}
		for _, side := range []struct {
			a traceback.Access
			f traceback.Frame
		}{{r.Current, cur}, {r.Previous, prev}} {
			if l, ok := src.loc(side.f, fmt.Sprintf("%s by %s (%s)", accessWord(side.a), goroutineName(side.a.Goroutine), funcName(side.f.Func))); ok {
				locs = append(locs, l)
			}
		}
	}
	return lines, locs
}

// raceWithStd explains a race one of whose sides is only in Go's own
// code (curOK says which side is the user's), from the user's side.
func raceWithStd(r traceback.Race, cur, prev traceback.Frame, curOK bool, src sources, lines []string, locs []Location) ([]string, []Location) {
	user, other, userAt := r.Current, r.Previous, cur
	created := r.CurrentCreated
	if !curOK {
		user, other, userAt, created = r.Previous, r.Current, prev, r.PreviousCreated
	}
	key := userAt.Short() + " std"
	if src.seen[key] {
		return lines, locs
	}
	src.seen[key] = true
	std := other.Frames[0]
	for _, f := range other.Frames {
		if strings.HasPrefix(f.Func, "testing.") {
			std = f
			break
		}
	}
	line := fmt.Sprintf("data race: %s %s at %s (%s) while %s %s inside %s, with nothing ordering the two",
		goroutineName(user.Goroutine), verb(user), userAt.Short(), funcName(userAt.Func),
		goroutineName(other.Goroutine), verb(other), funcName(std.Func))
	lines = append(lines, line)
	if strings.HasPrefix(std.Func, "testing.") {
		lines = append(lines, "  the other side is the testing package's bookkeeping of a test: a goroutine still calling t.Log, t.Error or the like after its test returned (the test must wait for the goroutines it starts)")
	}
	if f, ok := src.frameAt(created); ok {
		lines = append(lines, fmt.Sprintf("  %s was started at %s (%s)", goroutineName(user.Goroutine), f.Short(), funcName(f.Func)))
	}
	if l, ok := src.loc(userAt, fmt.Sprintf("%s by %s (%s), racing with %s", accessWord(user), goroutineName(user.Goroutine), funcName(userAt.Func), funcName(std.Func))); ok {
		locs = append(locs, l)
	}
	return lines, locs
}

func verb(a traceback.Access) string {
	if a.Write {
		return "wrote"
	}
	return "read"
}

func accessWord(a traceback.Access) string {
	if a.Write {
		return "write"
	}
	return "read"
}

// explainBlocked groups the goroutines of a dump (a timeout's, goleak's,
// the census's) that sit in the learner's code by what they wait on and
// where, with where they were started.
func explainBlocked(text string, src sources, leak bool) ([]string, []Location) {
	return explainGoroutines(traceback.ParseDump(text), src, leak)
}

// explainGoroutines is explainBlocked for goroutines already parsed.
func explainGoroutines(gs []traceback.Goroutine, src sources, leak bool) ([]string, []Location) {
	type group struct {
		waiting string
		at      traceback.Frame
		via     string
		created string
		creator *traceback.Frame // the go statement that started them
		leaked  bool             // proven: nothing can wake it
		ids     []int
	}
	var groups []*group
	byKey := map[string]*group{}
	seen := map[int]bool{}
	for _, g := range gs {
		if seen[g.ID] {
			continue // the census and goleak may both list it
		}
		at, ok := traceback.UserFrame(g.Frames, func(file string) bool { _, ok := src.learner(file); return ok })
		if !ok {
			continue
		}
		seen[g.ID] = true
		waiting := g.WaitingOn()
		if waiting == "" {
			waiting = "running"
		}
		// The learner's calls below the blocked one: "Inc calls Add
		// while holding the lock" shows only in the chain.
		via := ""
		for _, f := range g.Frames {
			if _, ok := src.learner(f.File); ok && f != at {
				via += fmt.Sprintf(", called from %s (%s)", f.Short(), funcName(f.Func))
			}
		}
		created := ""
		if g.CreatedBy != nil {
			created = fmt.Sprintf("%s (%s)", g.CreatedBy.Short(), funcName(g.CreatedBy.Func))
		}
		key := fmt.Sprintf("%s|%s|%s|%s|%v", waiting, at.Short(), via, created, g.Leaked)
		gr := byKey[key]
		if gr == nil {
			gr = &group{waiting: waiting, at: at, via: via, created: created, creator: g.CreatedBy, leaked: g.Leaked}
			byKey[key] = gr
			groups = append(groups, gr)
		}
		gr.ids = append(gr.ids, g.ID)
	}
	var lines []string
	var locs []Location
	for _, gr := range groups {
		who := fmt.Sprintf("goroutine %d", gr.ids[0])
		if len(gr.ids) > 1 {
			who = fmt.Sprintf("%d goroutines (%s)", len(gr.ids), idList(gr.ids))
		}
		state := "blocked in " + gr.waiting
		if gr.waiting == "running" {
			state = "still running"
		}
		if leak && !gr.leaked {
			state = "leaked, " + state
		}
		if gr.leaked {
			state = "stuck for ever in " + gr.waiting
		}
		line := fmt.Sprintf("%s %s at %s (%s)%s", who, state, gr.at.Short(), funcName(gr.at.Func), gr.via)
		if gr.created != "" {
			line += ", started at " + gr.created
		}
		lines = append(lines, line)
		if l, ok := src.loc(gr.at, fmt.Sprintf("%s: %s", who, state)); ok {
			locs = append(locs, l)
		}
		// Where a leaked goroutine was started is where its way out
		// (a cancel, a close, a buffer) belongs.
		if (leak || gr.leaked) && gr.creator != nil {
			if l, ok := src.loc(*gr.creator, fmt.Sprintf("started %s, which leaked", who)); ok {
				locs = append(locs, l)
			}
		}
	}
	if len(groups) > 0 && !leak {
		// The advice is about the wait that causes the others: goroutines
		// stuck on locks or channels are what a WaitGroup.Wait waits for.
		cause := groups[0].waiting
		for _, gr := range groups[1:] {
			if waitRank(gr.waiting) < waitRank(cause) {
				cause = gr.waiting
			}
		}
		if advice := waitAdvice(cause); advice != "" {
			lines = append(lines, advice)
		}
	}
	return lines, locs
}

func idList(ids []int) string {
	var parts []string
	for i, id := range ids {
		if i == 5 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, strconv.Itoa(id))
	}
	return strings.Join(parts, ", ")
}

// waitRank orders waits from the likeliest cause of a deadlock to the
// likeliest symptom (a WaitGroup.Wait waits for goroutines stuck elsewhere).
func waitRank(w string) int {
	switch w {
	case traceback.MutexLock, traceback.RWMutexLock, traceback.RWMutexRLock:
		return 0
	case traceback.ChanSend, traceback.ChanReceive:
		return 1
	case traceback.Select:
		return 2
	case traceback.CondWait:
		return 3
	case traceback.WaitGroupWait:
		return 4
	}
	return 5
}

// waitAdvice says what usually leaves goroutines waiting on w.
func waitAdvice(w string) string {
	switch w {
	case traceback.MutexLock, traceback.RWMutexLock, traceback.RWMutexRLock:
		return "a lock that is never released: a missing Unlock (on some return path), a method that locks a lock its caller holds (Go's locks are not reentrant), or two locks taken in opposite orders"
	case traceback.ChanSend:
		return "a send that no receiver will take: nobody reads the channel any more, or it is unbuffered and the reader is waiting on something else"
	case traceback.ChanReceive:
		return "a receive that no sender will satisfy: the channel is never closed, or the sender is gone"
	case traceback.Select:
		return "a select whose cases can never proceed: is a ctx.Done() case or a close missing?"
	case traceback.WaitGroupWait:
		return "a WaitGroup.Wait whose counter never reaches zero: an Add without its Done"
	case traceback.CondWait:
		return "a Cond.Wait that nobody signals: the Signal/Broadcast is missing or happened before the Wait"
	}
	return ""
}

// explainPanic points at the learner's line where the panic (or the
// runtime's fatal error) happened.
func explainPanic(out string, src sources) ([]string, []Location) {
	msg := panicLine(out)
	var advice string
	switch {
	case strings.HasPrefix(msg, "panic: Log in goroutine after"):
		advice = "a goroutine started by the test (or by the code it tests) still used t after the test had returned: a test must wait for the goroutines it starts (a WaitGroup, or a channel it receives from) before it returns"
	case strings.Contains(msg, "send on closed channel"):
		advice = "a send on a channel that was already closed: only the sender side may close a channel, once every sender is done (or stopped by another signal)"
	case strings.Contains(msg, "close of closed channel"):
		advice = "a channel closed twice: close it in one place, once (sync.Once, or the single owner)"
	case strings.Contains(msg, "concurrent map"):
		advice = "a map used by several goroutines at once: guard it with a Mutex (or use sync.Map)"
	case strings.Contains(msg, "sync: negative WaitGroup counter"):
		advice = "more Done than Add on a WaitGroup: call Add once per goroutine, before its go statement"
	case strings.Contains(msg, "unlock of unlocked mutex"):
		advice = "Unlock of a mutex that was not locked: an Unlock too many, or on the wrong path"
	}
	for _, g := range traceback.ParseDump(out) {
		f, ok := traceback.UserFrame(g.Frames, func(file string) bool { _, ok := src.learner(file); return ok })
		if !ok {
			continue
		}
		if l, ok := src.loc(f, msg); ok {
			lines := []string{fmt.Sprintf("%s at %s (%s)", msg, f.Short(), funcName(f.Func))}
			if advice != "" {
				lines = append(lines, "  "+advice)
			}
			return lines, []Location{l}
		}
	}
	if advice != "" {
		return []string{msg, "  " + advice}, nil
	}
	return nil, nil
}
