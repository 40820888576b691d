package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/lectern/lectern"
	"github.com/lectern/lectern/generator/server"
)

const defaultPort = 4747

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", ".", "site folder (holding site.yaml)")
	bind := fs.String("bind", "127.0.0.1", "address to listen on; anything but loopback exposes the preview to your network")
	port := fs.Int("port", defaultPort, "port to listen on (the default tries the next few when busy)")
	open := fs.Bool("open", false, "open the site in the browser")
	noDrafts := fs.Bool("no-drafts", false, "leave drafts out, as lectern build does")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	portSet := false
	fs.Visit(func(f *flag.Flag) { portSet = portSet || f.Name == "port" })
	root, ok := siteRoot("serve", *source, stderr)
	if !ok {
		return exitUsage
	}
	ip := net.ParseIP(*bind)
	if ip == nil && *bind != "localhost" {
		fmt.Fprintf(stderr, "lectern serve: --bind %q is not an IP address\n", *bind)
		return exitUsage
	}
	if ip != nil && !ip.IsLoopback() {
		fmt.Fprintf(stderr, "warning: listening on %s: other machines on your network can read this preview, drafts included\n", *bind)
	}
	l, err := server.ListenAddr(*bind, *port, !portSet)
	if err != nil {
		fmt.Fprintf(stderr, "lectern serve: cannot listen on %s: %v (try --port)\n", net.JoinHostPort(*bind, strconv.Itoa(*port)), err)
		return exitUsage
	}
	addr := l.Addr().(*net.TCPAddr)
	host := *bind
	if ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port)) + "/"

	srv := server.New(server.Options{
		Root: root, Theme: lectern.Theme(), Drafts: !*noDrafts, BaseURL: url,
		Hosts: []string{*bind}, Log: stderr,
	})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv.Rebuild(ctx, nil) // a failed first build still serves: every page shows the errors
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(srv.Shutdown)
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(l) }()
	go func() { errc <- srv.Watch(ctx) }()
	drafts := "drafts shown"
	if *noDrafts {
		drafts = "drafts hidden"
	}
	fmt.Fprintf(stdout, "Serving %s at %s (%s). Watching for changes; Ctrl-C to stop.\n", root, url, drafts)
	if *open {
		openBrowser(url, stderr)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "lectern serve: %v\n", err)
			stop()
			shutdown(hs)
			return exitUsage
		}
	}
	shutdown(hs)
	fmt.Fprintln(stderr, "stopped")
	return exitOK
}

func shutdown(hs *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = hs.Shutdown(ctx)
}

// openBrowser asks the desktop to open url; failure is only reported.
func openBrowser(url string, stderr io.Writer) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "could not open a browser (%v); open %s yourself\n", err, url)
		return
	}
	go func() { _ = cmd.Wait() }()
}
