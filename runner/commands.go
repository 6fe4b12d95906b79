package runner

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Command is one conclab subcommand. Each registers itself from init() in
// its own file.
type Command struct {
	Name    string // as typed: "run"
	Args    string // usage after the name: "<lesson> [demo]"
	Summary string // one line for help
	Order   int    // position in help
	// Setup declares the command's flags on fs and returns the function
	// that runs it with the remaining positional arguments. Setup is
	// called afresh for every run.
	Setup func(fs *flag.FlagSet) func(ctx context.Context, app *App, args []string) error
}

var commands = map[string]Command{}

func register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("runner: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// sortedCommands returns the commands in help order.
func sortedCommands() []Command {
	list := make([]Command, 0, len(commands))
	for _, c := range commands {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Order != list[j].Order {
			return list[i].Order < list[j].Order
		}
		return list[i].Name < list[j].Name
	})
	return list
}

func commandNames() string {
	var names []string
	for _, c := range sortedCommands() {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// dispatch finds the command named by args[0] (the menu when there is
// none), parses its flags and runs it.
func dispatch(ctx context.Context, args []string, app *App) error {
	name, args := commandName(args)
	cmd, ok := commands[name]
	if !ok {
		return Usagef("unknown command %q; valid: %s", name, commandNames())
	}
	fs := flag.NewFlagSet("conclab "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	noColor := fs.Bool("no-color", false, "no colour, even on a terminal (also: NO_COLOR)")
	help := fs.Bool("help", false, "show help for this command")
	run := cmd.Setup(fs)
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	app.Color = app.StdoutTTY && !*noColor && app.Getenv("NO_COLOR") == ""
	if app.Color {
		app.Theme = newColorTheme()
	} else {
		app.Theme = plainTheme()
	}
	if *help {
		commandHelp(app.Stdout, cmd, fs, app.Width)
		return nil
	}
	return run(ctx, app, positional)
}

// commandName finds the command among args, which may be preceded by its
// flags ("conclab --no-color list"), and returns args without it. No
// command is the menu; a lone --help or -h is help.
func commandName(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-h" || a == "--help" || a == "-help" {
			if len(args) == 1 {
				return "help", nil
			}
			continue
		}
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' {
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !hasValue && !isBoolFlag(name) {
				i++ // skip the flag's value
			}
			continue
		}
		rest := append(append([]string{}, args[:i]...), args[i+1:]...)
		return a, rest
	}
	return "menu", args
}

// isBoolFlag reports whether any command declares name as a bool flag
// (false for flags nobody declares: those are reported by the command).
func isBoolFlag(name string) bool {
	if name == "no-color" || name == "help" {
		return true
	}
	for _, c := range commands {
		fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
		c.Setup(fs)
		if f := fs.Lookup(name); f != nil {
			b, ok := f.Value.(interface{ IsBoolFlag() bool })
			return ok && b.IsBoolFlag()
		}
	}
	return false
}

// parseInterspersed parses flags wherever they stand among args ("run 2
// --speed 0.5" as well as "--speed 0.5 run 2") and returns the positional
// arguments in order. "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			return nil, Usagef("unknown flag %s for %s; valid: %s", a, strings.TrimPrefix(fs.Name(), "conclab "), flagNames(fs))
		}
		flags = append(flags, a)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() || hasValue {
			continue
		}
		if i+1 >= len(args) {
			return nil, Usagef("flag %s needs a value (%s)", a, f.Usage)
		}
		i++
		flags = append(flags, args[i])
	}
	if err := fs.Parse(flags); err != nil {
		return nil, Usagef("%v", err)
	}
	return positional, nil
}

func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, "--"+f.Name) })
	return strings.Join(names, ", ")
}

func commandHelp(w io.Writer, cmd Command, fs *flag.FlagSet, width int) {
	usage := strings.Join(wrapUsage("usage: conclab "+cmd.Name+" "+cmd.Args, width, 0, 4), "\n    ")
	summary := strings.Join(wrapWords(cmd.Summary, width, 0, 0), "\n")
	fmt.Fprintf(w, "%s\n\n%s\n\nflags:\n", usage, summary)
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		// A usage that explains its own default (--delay's depends on the
		// terminal) is not contradicted by the flag's zero value.
		if f.DefValue != "" && f.DefValue != "false" && !strings.Contains(f.Usage, "default") {
			def = " (default " + f.DefValue + ")"
		}
		// Flag names take columns 2 to 16; usages wrap under column 17.
		text := strings.Join(wrapWords(f.Usage+def, width, 17, 17), "\n"+strings.Repeat(" ", 17))
		fmt.Fprintf(w, "  --%-12s %s\n", f.Name, text)
	})
}
