/**
 * Counts turns of the event loop, for code that treats the first piece of work of a turn
 * differently from the rest (do it at once; gather the rest for the turn's end). A turn ends with
 * its setImmediate callbacks; the count advances only while someone asks.
 */
let turn = 0
let turnEnding = false

export function currentTurn(): number {
  if (!turnEnding) {
    turnEnding = true
    setImmediate(() => {
      turn += 1
      turnEnding = false
    })
  }
  return turn
}
