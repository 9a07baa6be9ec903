package deadlinestest

import (
	"fmt"

	"github.com/qyzmet/qyzmet/deadlines/kzid"
)

// IIN returns a valid IIN of a man born on birth ("YYMMDD", 1900s) with
// the serial, or with the next serial that has a check digit. It panics on
// a birth date or serial that cannot make one: a fixture bug.
func IIN(birth string, serial int) string {
	return complete("%s3%04d", birth, serial, kzid.ValidateIIN)
}

// BIN returns a valid BIN of a resident legal entity registered in January
// 2005 with the serial, or with the next serial that has a check digit.
func BIN(serial int) string { return complete("%s%05d", "050140", serial, kzid.ValidateBIN) }

func complete(format, prefix string, serial int, validate func(string) error) string {
	for ; ; serial++ {
		first := fmt.Sprintf(format, prefix, serial)
		if len(first) != 11 {
			panic("deadlinestest: cannot make an identity number from " + first)
		}
		if s, err := kzid.Complete(first); err == nil {
			if err := validate(s); err != nil {
				panic("deadlinestest: " + err.Error())
			}
			return s
		}
	}
}
