/**
 * A pair the engine needs real time for, without any pathology: a source of several
 * megabytes whose words repeat (so no quick search can place the quotation, and all of
 * it is read), made unique by a tag so no worker has it prepared already. About half a
 * second of work on this machine: far past the tiny budgets the tests give it.
 */
export function slowPair(tag: string): { quote: string; source: string } {
  const paragraph = 'The cat sat on the mat while the dog ate the bone and the bird sang in the tree. ';
  return { quote: 'the dog ate the bone and the bird sang', source: `${paragraph.repeat(70_000)}${tag}` };
}
