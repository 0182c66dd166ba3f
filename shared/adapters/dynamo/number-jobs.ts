export { restoreAfterPayment } from '../../runtime/numbers.js'; // moved in issue 12: remove after the merge
