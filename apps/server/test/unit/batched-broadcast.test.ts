import { BatchedBroadcast } from '../../src/socket/batched-broadcast';

describe('BatchedBroadcast', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('delivers everything pushed within the window once, in order, when it ends', () => {
    const deliveries: number[][] = [];
    const batch = new BatchedBroadcast<number>(50, (items) => deliveries.push([...items]));
    batch.push(1);
    jest.advanceTimersByTime(30);
    batch.push(2);
    batch.push(3);
    expect(deliveries).toEqual([]);
    jest.advanceTimersByTime(20);
    expect(deliveries).toEqual([[1, 2, 3]]);
    batch.push(4);
    jest.advanceTimersByTime(50);
    expect(deliveries).toEqual([[1, 2, 3], [4]]);
  });

  test('flush delivers at once; clear drops; an empty window delivers nothing', () => {
    const deliveries: string[][] = [];
    const batch = new BatchedBroadcast<string>(50, (items) => deliveries.push([...items]));
    batch.push('a');
    batch.flush();
    expect(deliveries).toEqual([['a']]);
    batch.push('b');
    batch.clear();
    jest.advanceTimersByTime(100);
    batch.flush();
    expect(deliveries).toEqual([['a']]);
  });
});
