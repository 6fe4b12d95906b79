package runner

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
)

func init() {
	register(Command{
		Name: "help", Args: "[command]", Summary: "show what conclab can do", Order: 90,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) == 1 {
					cmd, ok := commands[args[0]]
					if !ok {
						return Usagef("unknown command %q; valid: %s", args[0], commandNames())
					}
					cfs := flag.NewFlagSet("conclab "+cmd.Name, flag.ContinueOnError)
					cfs.Bool("no-color", false, "no colour, even on a terminal (also: NO_COLOR)")
					cmd.Setup(cfs)
					commandHelp(app.Stdout, cmd, cfs, app.Width)
					return nil
				}
				if len(args) > 1 {
					return Usagef("help takes at most one command; valid: %s", commandNames())
				}
				app.Printf("conclab: a workbench for learning Go concurrency.\n\nusage: conclab [command] [arguments] [flags]\n\n")
				for _, c := range sortedCommands() {
					usage := strings.TrimSpace(c.Name + " " + c.Args)
					if len(usage) > 28 {
						// A long usage gets a line (or more, indented) of its own.
						app.Printf("  %s\n", strings.Join(wrapUsage(usage, app.Width, 2, 4), "\n    "))
						usage = ""
					}
					// The summary wraps under its own column, at 31.
					summary := strings.Join(wrapWords(c.Summary, app.Width, 31, 31), "\n"+strings.Repeat(" ", 31))
					app.Printf("  %-28s %s\n", usage, summary)
				}
				app.Printf("\n")
				for _, line := range wrapWords("A lesson is named by number or slug (2 or race). Flags may come before or after arguments. Colour only on a terminal; --no-color or NO_COLOR turn it off.", app.Width, 0, 0) {
					app.Printf("%s\n", line)
				}
				app.Printf("Run `conclab help <command>` for a command's flags.\n")
				return nil
			}
		},
	})
	register(Command{
		Name: "version", Summary: "print conclab's version", Order: 91,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			return func(_ context.Context, app *App, args []string) error {
				if len(args) > 0 {
					return Usagef("version takes no arguments")
				}
				app.Printf("conclab %s\n", version())
				return nil
			}
		},
	})
}

// version is the module version when installed with go install, else the
// VCS revision the binary was built from, else "devel".
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel " + s.Value[:12]
		}
	}
	return fmt.Sprintf("devel (%s)", info.GoVersion)
}
