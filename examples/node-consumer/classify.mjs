// A user's Node program: node classify.mjs ARTIFACTS PICTURE... prints path, label and
// probability a picture, then the three most probable labels with their probabilities, as
// python -m python.predict --top 3 prints them (run-examples.sh compares the two).
import { openClassifier, classifyFiles, outputLine } from 'modelparity';

const [artifacts, ...pictures] = process.argv.slice(2);
const classifier = await openClassifier(artifacts, { format: 'onnx' });
let i = 0;
for await (const c of classifyFiles(classifier, pictures)) {
  const picture = pictures[i++];
  if (c instanceof Error) console.error(c.message); // its message names the picture
  else console.log(outputLine(picture, c, 3));
}
