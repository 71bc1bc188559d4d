package tree_test

import (
	"encoding/binary"
	"hash/crc32"
)

// resealCRC rewrites the trailing CRC-32C of an encoded model so that
// tests reach the payload decoder with altered bytes.
func resealCRC(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], crc32.MakeTable(crc32.Castagnoli)))
	return b
}
