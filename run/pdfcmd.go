package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coupatui/browser"
	"coupatui/config"
	"coupatui/emailpdf"
)

// PDF is `coupatui pdf FOLDER`: every e-mail file (.msg, .eml) under
// folder gets its PDF and its attachments folder beside it, as a run with
// email_to_pdf gives them; folders written by a conversion
// (*_attachments) are left alone. It prints with a headless browser of
// its own (no sign-in needed). One line per e-mail goes to w; the error
// says how many could not be converted.
func PDF(ctx context.Context, cfg config.Config, folder string, w io.Writer) error {
	fi, err := os.Stat(folder)
	if err != nil {
		return fmt.Errorf("pdf %s: %w", folder, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("pdf %s: not a folder: give the folder holding the e-mails (the download root or one PO's folder)", folder)
	}
	// A local browser prints, whatever endpoints the runs use.
	if cfg.Browser.ExecPath, err = browser.FindExec(cfg.Browser.ExecPath, true); err != nil {
		return err
	}
	var found []string
	err = filepath.WalkDir(folder, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != folder && strings.HasSuffix(d.Name(), "_attachments") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && emailpdf.IsEmail(d.Name()) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pdf %s: %w", folder, err)
	}
	if len(found) == 0 {
		fmt.Fprintf(w, "no e-mail files (.msg, .eml) under %s\n", folder)
		return nil
	}
	printer := newLocalPrinter(cfg, slog.New(slog.DiscardHandler))
	defer printer.close()
	start := time.Now()
	failed := 0
	for i, path := range found {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted after %d of %s", i, mails(len(found)))
		}
		cctx, cancel := context.WithTimeout(ctx, convertTimeout)
		res, err := emailpdf.Convert(cctx, path, printer)
		cancel()
		rel := relTo(folder, path)
		if err != nil {
			failed++
			fmt.Fprintf(w, "not converted  %s: %v\n", rel, err)
			if errors.Is(err, errNoPrinter) {
				return err // every other e-mail would fail the same way
			}
			continue
		}
		line := fmt.Sprintf("converted      %s → %s", rel, filepath.Base(res.PDF))
		if n := len(res.Attachments); n > 0 {
			line += fmt.Sprintf(" (+%d %s in %s)", n, plural(n, "attachment", "attachments"), emailpdf.AttachmentsDir(filepath.Base(path)))
		}
		fmt.Fprintf(w, "%s · %s\n", line, res.Elapsed.Round(10*time.Millisecond))
	}
	fmt.Fprintf(w, "%s: %d converted, %d not converted, in %s\n", mails(len(found)), len(found)-failed, failed,
		time.Since(start).Round(100*time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d of %s could not be converted (reasons above); the files themselves are untouched", failed, mails(len(found)))
	}
	return nil
}

// mails is "1 e-mail" or "N e-mails".
func mails(n int) string { return fmt.Sprintf("%d %s", n, plural(n, "e-mail", "e-mails")) }
