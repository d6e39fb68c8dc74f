package config

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestCountTOML(t *testing.T) {
	tests := []struct {
		in   string
		want Count
		err  string // "" = decodes
	}{
		{`n = 4`, Count{N: 4}, ""},
		{`n = 0`, Count{}, ""},
		{`n = "auto"`, Count{Auto: true}, ""},
		{`n = "AUTO"`, Count{}, `want a whole number or "auto"`},
		{`n = "4"`, Count{}, `want a whole number or "auto"`},
		{`n = 4.0`, Count{}, `want a whole number or "auto"`},
		{`n = true`, Count{}, `want a whole number or "auto"`},
	}
	for _, tt := range tests {
		var v struct{ N Count }
		_, err := toml.Decode(tt.in, &v)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && v.N != tt.want:
			t.Errorf("%s: got %+v, want %+v", tt.in, v.N, tt.want)
		}
	}
}

func TestCountWritesWhatItReads(t *testing.T) {
	for _, c := range []Count{{N: 4}, {N: 64}, {Auto: true}} {
		out, err := toml.Marshal(struct {
			N Count `toml:"n"`
		}{c})
		if err != nil {
			t.Fatal(err)
		}
		var back struct {
			N Count `toml:"n"`
		}
		if _, err := toml.Decode(string(out), &back); err != nil || back.N != c {
			t.Errorf("%+v written %q reads back as %+v, %v", c, out, back.N, err)
		}
	}
	if s := (Count{Auto: true}).String(); s != "auto" {
		t.Errorf("String() = %q", s)
	}
	if s := (Count{N: 3}).String(); s != "3" {
		t.Errorf("String() = %q", s)
	}
}
