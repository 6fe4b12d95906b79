// Package timeline draws what a demo's goroutines did: one lane per
// goroutine over time, from the events the demo recorded on its stage.
//
// Each lane is a row of cells, one cell per slice of time:
//
//	cell     the lane's goroutine
//	-        running
//	.        waiting (the object's name is written into the segment: ".sem....")
//	=        holding (likewise: "=Tom=====")
//	>  <     sent on a channel, received
//	*        printed a line (Lane.Printf)
//	(blank)  not started yet, or done
//
// The time axis is the stage's clock, which starts with the demo and
// stands still while the presenter pauses it: its ticks read from 0. When
// the lanes begin late in the demo (after a long setup, say), the axis
// starts at the first event instead, still labelled 0, and the heading
// says how far into the demo that was.
//
// A lane still waiting when the recording ends is stuck; stuck lanes that
// each wait for an object another stuck lane holds form a cycle, which is
// drawn below the lanes as a deadlock. Under the lanes a "holding" row
// counts how many lanes held something in each slice, and a summary names
// the peak for every object, computed from the events themselves, not from
// the rounded cells.
//
// The drawing fits the width it is given, prose included (it is wrapped),
// and reads the same without colour: the theme only adds emphasis.
package timeline

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/lessons/lesson"
)

// Lane is one goroutine's state at an instant.
type laneState struct {
	started, done bool
	waiting       string   // object waited on, "" if none
	holding       []string // objects held, in order of acquisition
}

func (st *laneState) apply(e lesson.Event) {
	if e.Kind != lesson.Done {
		st.started = true
	}
	switch e.Kind {
	case lesson.Waiting:
		st.waiting = e.Object
	case lesson.Acquired:
		st.waiting = ""
		st.holding = append(st.holding, e.Object)
	case lesson.Released:
		if i := slices.Index(st.holding, e.Object); i >= 0 {
			st.holding = slices.Delete(st.holding, i, i+1)
		}
	case lesson.Sent, lesson.Received:
		if st.waiting == e.Object {
			st.waiting = ""
		}
	case lesson.Done:
		st.done = true
		st.waiting = ""
		st.holding = nil
	}
}

// Stuck is a lane that was still waiting when the recording ended.
type Stuck struct {
	Lane    string   // the lane's name
	Waiting string   // what it waits for
	Holding []string // what it holds meanwhile
}

// Analysis is what the events say, independently of how they are drawn.
type Analysis struct {
	End time.Duration // time of the last event
	// Peak is, per object, the most lanes that held it at the same time.
	Peak map[string]int
	// PeakHolding is the most lanes holding anything at the same time.
	PeakHolding int
	Stuck       []Stuck
	// Cycle lists, in order, the stuck lanes of a wait-for cycle (each
	// waits for an object the next one holds, the last for one the first
	// holds); nil if there is none.
	Cycle []string
}

// Analyze replays events (in the order given, which is the order they were
// recorded) and measures them. lanes names the lanes by index.
func Analyze(lanes []string, events []lesson.Event) Analysis {
	a := Analysis{Peak: make(map[string]int)}
	states := make([]laneState, len(lanes))
	holders := make(map[string]int)
	holdingAny := 0
	for _, e := range events {
		if e.Lane < 0 || e.Lane >= len(states) {
			continue
		}
		a.End = max(a.End, e.At)
		st := &states[e.Lane]
		before := len(st.holding) > 0
		// Done releases whatever the lane still held.
		if e.Kind == lesson.Done {
			for _, o := range st.holding {
				holders[o]--
			}
		}
		if e.Kind == lesson.Released && slices.Contains(st.holding, e.Object) {
			holders[e.Object]--
		}
		st.apply(e)
		if e.Kind == lesson.Acquired {
			holders[e.Object]++
			a.Peak[e.Object] = max(a.Peak[e.Object], holders[e.Object])
		}
		after := len(st.holding) > 0
		if !before && after {
			holdingAny++
			a.PeakHolding = max(a.PeakHolding, holdingAny)
		} else if before && !after {
			holdingAny--
		}
	}
	for i, st := range states {
		if st.waiting != "" && !st.done {
			a.Stuck = append(a.Stuck, Stuck{Lane: lanes[i], Waiting: st.waiting, Holding: slices.Clone(st.holding)})
		}
	}
	a.Cycle = findCycle(a.Stuck)
	return a
}

// findCycle follows "waits for an object held by" among stuck lanes and
// returns the first cycle it meets, starting from the earliest lane in it.
func findCycle(stuck []Stuck) []string {
	holder := func(object string) int {
		for i, s := range stuck {
			if slices.Contains(s.Holding, object) {
				return i
			}
		}
		return -1
	}
	for start := range stuck {
		var path []int
		seen := make(map[int]int) // index in stuck -> position in path
		for cur := start; cur >= 0; cur = holder(stuck[cur].Waiting) {
			if pos, ok := seen[cur]; ok {
				cycle := path[pos:]
				// Rotate so that the cycle starts from its first lane.
				first := slices.Index(cycle, slices.Min(cycle))
				cycle = append(cycle[first:], cycle[:first]...)
				names := make([]string, len(cycle))
				for i, c := range cycle {
					names[i] = stuck[c].Lane
				}
				return names
			}
			seen[cur] = len(path)
			path = append(path, cur)
		}
	}
	return nil
}

const (
	minGrid   = 10
	noteWidth = 6 // " stuck" / " cycle"
	maxLabel  = 20
)

// Render draws the lanes and events as a timeline at most width columns
// wide (80 if width is 0 or less).
func Render(w io.Writer, lanes []string, events []lesson.Event, width int, theme lesson.Theme) error {
	return RenderLanes(w, lanes, events, width, 0, theme)
}

// RenderLanes is Render drawing at most maxLanes lanes (all if maxLanes
// is 0 or less), in their usual order, for a screen of limited height;
// a line says how many were left out. The holding row, the peaks and the
// stuck lanes still count every lane.
func RenderLanes(w io.Writer, lanes []string, events []lesson.Event, width, maxLanes int, theme lesson.Theme) error {
	if theme == nil {
		theme = lesson.Plain{}
	}
	if width <= 0 {
		width = 80
	}
	a := Analyze(lanes, events)
	if len(lanes) == 0 || len(events) == 0 {
		_, err := fmt.Fprintln(w, theme.Dim("(no timeline: the demo recorded no goroutine events)"))
		return err
	}

	labelW := len("holding")
	for _, l := range lanes {
		labelW = max(labelW, len([]rune(l)))
	}
	labelW = min(labelW, maxLabel, max(1, width-minGrid-3-noteWidth))
	gridW := max(minGrid, width-labelW-3-noteWidth) // "label |grid|" + note
	// The axis starts with the demo, at 0 on the stage's clock, unless
	// the time before the first event (main setting up, a child process
	// starting) is more than a quarter of it: then it starts at the first
	// event, or the lanes would be squeezed into the right-hand side.
	first := a.End
	for _, e := range events {
		if e.Lane >= 0 && e.Lane < len(lanes) {
			first = min(first, e.At)
		}
	}
	var start time.Duration
	if first > a.End/4 {
		start = first
	}
	span := max(a.End-start, time.Nanosecond)
	if len(a.Stuck) > 0 {
		// Stuck lanes wait past the last event: show them still waiting.
		span += span / 10
	}
	end := start + span
	// at returns the start of column c.
	at := func(c int) time.Duration { return start + time.Duration(int64(span)*int64(c)/int64(gridW)) }
	column := func(t time.Duration) int {
		return max(0, min(gridW-1, int(int64(t-start)*int64(gridW)/int64(span))))
	}

	// Events per lane, in order.
	perLane := make([][]lesson.Event, len(lanes))
	for _, e := range events {
		if e.Lane >= 0 && e.Lane < len(lanes) {
			perLane[e.Lane] = append(perLane[e.Lane], e)
		}
	}
	stuck := make(map[string]bool)
	for _, s := range a.Stuck {
		stuck[s.Lane] = true
	}
	inCycle := make(map[string]bool)
	for _, l := range a.Cycle {
		inCycle[l] = true
	}

	var b strings.Builder
	// prose writes a line of text wrapped to the width, each line in the
	// style given.
	prose := func(style func(string) string, text string) {
		for _, l := range wrap(text, width) {
			fmt.Fprintf(&b, "%s\n", style(l))
		}
	}
	// The heading names the span the axis draws (stuck lanes included,
	// still waiting past the last event), so that it matches the last tick.
	heading := fmt.Sprintf("Timeline: %d goroutines over %s", len(lanes), round(end-start))
	if start > 0 {
		heading += fmt.Sprintf(", from %s into the demo", round(start))
	}
	prose(theme.Heading, heading)
	order := rowOrder(lanes, perLane, column)
	hidden := 0
	if maxLanes > 0 && len(order) > maxLanes {
		hidden = len(order) - maxLanes
		order = order[:maxLanes]
	}
	for _, i := range order {
		name := lanes[i]
		cells := laneCells(perLane[i], gridW, at, column)
		row := colourCells(cells, i, theme)
		note := ""
		switch {
		case inCycle[name]:
			note = " " + theme.Warning("cycle")
		case stuck[name]:
			note = " " + theme.Warning("stuck")
		}
		fmt.Fprintf(&b, "%s |%s|%s\n", theme.Lane(i, pad(name, labelW)), row, note)
	}
	if hidden > 0 {
		prose(theme.Dim, fmt.Sprintf("… %d more %s (conclab run --timeline shows them all)", hidden, plural(hidden, "lane", "lanes")))
	}
	if a.PeakHolding > 0 {
		fmt.Fprintf(&b, "%s |%s|\n", theme.Dim(pad("holding", labelW)), countRow(lanes, events, gridW, at))
	}
	fmt.Fprintf(&b, "%s  %s\n", pad("", labelW), axis(end-start, gridW))
	for _, l := range wrapItems(legend, "  ", width) {
		fmt.Fprintf(&b, "%s\n", theme.Dim(l))
	}

	objects := make([]string, 0, len(a.Peak))
	for o := range a.Peak {
		objects = append(objects, o)
	}
	slices.Sort(objects)
	for _, o := range objects {
		prose(theme.Finding, fmt.Sprintf("%s: held by at most %d %s at once", o, a.Peak[o], plural(a.Peak[o], "lane", "lanes")))
	}
	for _, s := range a.Stuck {
		held := ""
		if len(s.Holding) > 0 {
			held = ", holding " + strings.Join(s.Holding, ", ")
		}
		prose(theme.Warning, fmt.Sprintf("stuck: %s waits for %s%s", s.Lane, s.Waiting, held))
	}
	if len(a.Cycle) > 0 {
		summary, details := describeCycle(a)
		prose(theme.Warning, "deadlock: "+summary)
		for _, d := range details {
			prose(theme.Warning, "  "+d)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// describeCycle says who waits for whom in a line short enough for a
// terminal ("A and B wait on each other (a cycle: nobody can move)"),
// then spells each wait out: "A waits for Y, held by B".
func describeCycle(a Analysis) (summary string, details []string) {
	byLane := make(map[string]Stuck)
	for _, s := range a.Stuck {
		byLane[s.Lane] = s
	}
	const cycle = " (a cycle: nobody can move)"
	if len(a.Cycle) == 2 {
		summary = a.Cycle[0] + " and " + a.Cycle[1] + " wait on each other" + cycle
	} else {
		parts := make([]string, len(a.Cycle))
		for i, l := range a.Cycle {
			next := a.Cycle[(i+1)%len(a.Cycle)]
			if i == 0 {
				parts[i] = l + " waits on " + next
			} else {
				parts[i] = l + " on " + next
			}
		}
		summary = strings.Join(parts, ", ") + cycle
	}
	for i, l := range a.Cycle {
		next := a.Cycle[(i+1)%len(a.Cycle)]
		details = append(details, fmt.Sprintf("%s waits for %s, held by %s", l, byLane[l].Waiting, next))
	}
	return summary, details
}

// rowOrder sorts the lanes by the column in which they first acquired
// something (or first did anything), then by name with numbers in numeric
// order, so a semaphore's batches read as a staircase and, within a
// batch, "task 2" comes before "task 10" whichever took its seat a few
// microseconds first. Lanes that recorded nothing come last.
func rowOrder(lanes []string, perLane [][]lesson.Event, column func(time.Duration) int) []int {
	first := make([]int, len(lanes))
	for i, evs := range perLane {
		first[i] = 1<<31 - 1
		for _, e := range evs {
			if e.Kind == lesson.Acquired {
				first[i] = column(e.At)
				break
			}
		}
		if first[i] == 1<<31-1 && len(evs) > 0 {
			first[i] = column(evs[0].At)
		}
	}
	order := make([]int, len(lanes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if first[a] != first[b] {
			return cmp.Compare(first[a], first[b])
		}
		return naturalCompare(lanes[a], lanes[b])
	})
	return order
}

// naturalCompare compares names with runs of digits as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da != "" && db != "" {
			na, _ := strconv.Atoi(da)
			nb, _ := strconv.Atoi(db)
			if na != nb {
				return cmp.Compare(na, nb)
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// cell is one slice of one lane.
type cell struct {
	ch   rune
	kind byte // 'r' running, 'w' waiting, 'h' holding, ' ' nothing
}

// laneCells samples the lane's state in the middle of each column, writes
// the names of waited and held objects into their segments, and marks
// sends and receives where they happened.
func laneCells(events []lesson.Event, n int, at func(int) time.Duration, column func(time.Duration) int) []cell {
	cells := make([]cell, n)
	objects := make([]string, n)
	var st laneState
	next := 0
	for c := range n {
		mid := (at(c) + at(c+1)) / 2
		for next < len(events) && events[next].At <= mid {
			st.apply(events[next])
			next++
		}
		switch {
		case !st.started || st.done:
			cells[c] = cell{' ', ' '}
		case st.waiting != "":
			cells[c] = cell{'.', 'w'}
			objects[c] = st.waiting
		case len(st.holding) > 0:
			cells[c] = cell{'=', 'h'}
			objects[c] = strings.Join(st.holding, "+")
		default:
			cells[c] = cell{'-', 'r'}
		}
	}
	// A hold shorter than a column can fall between the samples: show it
	// in the column where it began, or the picture would lose the very
	// lock a deadlock is about (held a moment, then waited on forever).
	showHolds(events, cells, objects, column)
	// Likewise a lane that started and ended between two samples, or
	// recorded its first event in the last slice: it did something.
	showRun(events, cells, column)
	// Write each object's name into its segment when it fits after the
	// segment's first cell, so "=Tom====" reads as "holding Tom".
	for c := 0; c < n; {
		e := c
		for e < n && cells[e].kind == cells[c].kind && objects[e] == objects[c] {
			e++
		}
		if name := []rune(objects[c]); len(name) > 0 && e-c >= len(name)+1 {
			for i, r := range name {
				cells[c+1+i].ch = r
			}
		}
		c = e
	}
	// Marks, where the lane runs or is not drawn: a line printed, then
	// sends and receives over it (they say more).
	for _, kind := range []lesson.Kind{lesson.Printed, lesson.Sent, lesson.Received} {
		for _, e := range events {
			if e.Kind != kind {
				continue
			}
			c := column(e.At)
			if cells[c].kind == 'r' || cells[c].kind == ' ' {
				cells[c] = cell{marks[kind], 'r'}
			}
		}
	}
	return cells
}

var marks = map[lesson.Kind]rune{lesson.Printed: '*', lesson.Sent: '>', lesson.Received: '<'}

// showRun marks the column of the lane's first event as running when no
// column from there to the lane's end shows it.
func showRun(events []lesson.Event, cells []cell, column func(time.Duration) int) {
	for i, e := range events {
		if e.Kind == lesson.Done {
			continue
		}
		from, to := column(e.At), len(cells)-1
		for _, later := range events[i+1:] {
			if later.Kind == lesson.Done {
				to = column(later.At)
				break
			}
		}
		for c := from; c <= to; c++ {
			if cells[c].kind != ' ' {
				return
			}
		}
		cells[from] = cell{'-', 'r'}
		return
	}
}

// showHolds marks the first column of every hold that no column shows.
func showHolds(events []lesson.Event, cells []cell, objects []string, column func(time.Duration) int) {
	for i, e := range events {
		if e.Kind != lesson.Acquired {
			continue
		}
		from, to := column(e.At), len(cells)-1
		for _, later := range events[i+1:] {
			if later.Kind == lesson.Done || (later.Kind == lesson.Released && later.Object == e.Object) {
				to = column(later.At)
				break
			}
		}
		shown := false
		for c := from; c <= to && !shown; c++ {
			shown = cells[c].kind == 'h'
		}
		if !shown {
			cells[from] = cell{'=', 'h'}
			objects[from] = e.Object
		}
	}
}

// colourCells joins the cells, colouring runs of the same kind together.
func colourCells(cells []cell, lane int, theme lesson.Theme) string {
	var b strings.Builder
	for c := 0; c < len(cells); {
		e := c
		var run strings.Builder
		for e < len(cells) && cells[e].kind == cells[c].kind {
			run.WriteRune(cells[e].ch)
			e++
		}
		switch cells[c].kind {
		case 'h':
			b.WriteString(theme.Lane(lane, run.String()))
		case 'w':
			b.WriteString(theme.Dim(run.String()))
		default:
			b.WriteString(run.String())
		}
		c = e
	}
	return b.String()
}

// countRow shows, per column, the most lanes that held anything at the
// same time within that slice of time (exact, from the events).
func countRow(lanes []string, events []lesson.Event, n int, at func(int) time.Duration) string {
	held := make([]int, len(lanes))
	count := 0
	row := make([]byte, n)
	next := 0
	for c := range n {
		peak := count
		for next < len(events) && (events[next].At < at(c+1) || c == n-1) {
			e := events[next]
			next++
			if e.Lane < 0 || e.Lane >= len(lanes) {
				continue
			}
			before := held[e.Lane] > 0
			switch e.Kind {
			case lesson.Acquired:
				held[e.Lane]++
			case lesson.Released:
				held[e.Lane] = max(0, held[e.Lane]-1)
			case lesson.Done:
				held[e.Lane] = 0
			}
			after := held[e.Lane] > 0
			if !before && after {
				count++
			} else if before && !after {
				count--
			}
			peak = max(peak, count)
		}
		switch {
		case peak == 0:
			row[c] = ' '
		case peak > 9:
			row[c] = '+'
		default:
			row[c] = byte('0' + peak)
		}
	}
	return string(row)
}

// axis labels the start (0), middle and end of a time axis length long:
// offsets from its start.
func axis(length time.Duration, n int) string {
	row := []rune(strings.Repeat(" ", n+2))
	put := func(pos int, s string) {
		r := []rune(s)
		pos = max(0, min(pos, len(row)-len(r)))
		copy(row[pos:], r)
	}
	put(0, "0")
	if n >= 30 {
		mid := []rune(round(length / 2))
		put(n/2+1-len(mid)/2, string(mid))
	}
	end := round(length)
	put(n+2-len([]rune(end)), end)
	return strings.TrimRight(string(row), " ")
}

// wrap breaks text into lines of at most width columns at spaces; lines
// after the first are indented by two more than the first. A word longer
// than a line is left whole.
func wrap(text string, width int) []string {
	if len([]rune(text)) <= width {
		return []string{text}
	}
	body := strings.TrimLeft(text, " ")
	indent := text[:len(text)-len(body)]
	lines := wrapItems(strings.Fields(body), " ", width-len(indent))
	for i := range lines {
		lines[i] = indent + lines[i]
	}
	return lines
}

// legend says what the cells mean.
var legend = []string{"- running", ". waiting", "= holding", "> sent", "< received", "* printed"}

// wrapItems joins items with sep into lines of at most width columns,
// breaking only between items; lines after the first are indented by two.
func wrapItems(items []string, sep string, width int) []string {
	var lines []string
	line := ""
	for _, item := range items {
		switch {
		case line == "":
			line = item
		case len([]rune(line))+len(sep)+len([]rune(item)) <= width:
			line += sep + item
		default:
			lines = append(lines, line)
			line = "  " + item
		}
	}
	return append(lines, line)
}

// round prints a duration with two or three significant digits.
func round(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= 10*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

func pad(s string, w int) string {
	r := []rune(s)
	if len(r) > w {
		return string(r[:w-1]) + "~"
	}
	return s + strings.Repeat(" ", w-len(r))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
