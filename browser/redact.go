package browser

import (
	"errors"
	"fmt"
	"net/url"
)

// redactURL keeps scheme, host and path: queries and user info can carry
// tokens (signed storage URLs), which must not reach logs or reports.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "…"
	}
	u.Fragment = ""
	return u.String()
}

// redactErr replaces the URL a *url.Error quotes with its redacted form.
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, redactURL(ue.URL), ue.Err)
	}
	return err
}
