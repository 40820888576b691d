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
	"strings"
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
	allowHost := fs.String("allow-host", "", "more Host names to accept, comma-separated (a name your network gives this machine, with --bind); others are refused against DNS rebinding")
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
		Hosts: serveHosts(ip, *allowHost), Log: stderr,
	})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Watch makes the first build once it watches: a file saved during
	// that build is built again after it. A failed first build still
	// serves: every page shows the errors.
	errc := make(chan error, 2)
	go func() { errc <- srv.Watch(ctx) }()
	// A large course takes a while: say what is going on.
	slow := time.AfterFunc(time.Second, func() {
		fmt.Fprintf(stderr, "building %s (the first build of a large course takes a few seconds)…\n", root)
	})
	defer slow.Stop()
	select {
	case <-srv.Built():
	case err := <-errc:
		l.Close()
		fmt.Fprintf(stderr, "lectern serve: watching %s: %v\n", root, err)
		return exitUsage
	case <-ctx.Done():
		select { // the first build stops at once; or Watch failed
		case <-srv.Built():
		case <-errc:
		}
		l.Close()
		fmt.Fprintln(stderr, "stopped")
		return exitOK
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(srv.Shutdown)
	go func() { errc <- hs.Serve(l) }()
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

// serveHosts lists the Host names and addresses the server accepts besides
// loopback ones: the address it listens on, this machine's name when that
// address is not loopback (and every address of its interfaces when it is
// all of them), and the names given with --allow-host.
func serveHosts(bind net.IP, allow string) []string {
	var hosts []string
	if bind != nil && !bind.IsLoopback() {
		if bind.IsUnspecified() {
			if addrs, err := net.InterfaceAddrs(); err == nil {
				for _, a := range addrs {
					if n, ok := a.(*net.IPNet); ok {
						hosts = append(hosts, n.IP.String())
					}
				}
			}
		} else {
			hosts = append(hosts, bind.String())
		}
		if name, err := os.Hostname(); err == nil && name != "" {
			hosts = append(hosts, name)
			if !strings.Contains(name, ".") {
				hosts = append(hosts, name+".local") // mDNS
			}
		}
	}
	for _, h := range strings.Split(allow, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	return hosts
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
